namespace EmbedSweeps.Embeddings.Training;

/// <summary>
/// Linear warm-up then linear decay to zero (transformers' <c>get_linear_schedule_with_warmup</c>),
/// as a pure function of the optimizer step (0-based: the first update uses step 0).
/// </summary>
public static class LearningRateSchedule
{
    public static double At(int step, double peak, int warmupSteps, int totalSteps)
    {
        // 1. Warm-up: from 0 towards the peak, reached at step = warmupSteps.
        if (step < warmupSteps) return peak * step / Math.Max(1, warmupSteps);
        // 2. Decay: linearly from the peak to 0 at step = totalSteps.
        return peak * Math.Max(0.0, (double)(totalSteps - step) / Math.Max(1, totalSteps - warmupSteps));
    }

    /// <summary>Warm-up steps from either an explicit count or a ratio of the total (rounded up, as transformers does).</summary>
    public static int WarmupSteps(int? warmupSteps, double? warmupRatio, int totalSteps) =>
        warmupSteps ?? (int)Math.Ceiling((warmupRatio ?? 0) * totalSteps);
}
