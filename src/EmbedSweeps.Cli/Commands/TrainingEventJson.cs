using EmbedSweeps.Embeddings.Training;

namespace EmbedSweeps.Cli.Commands;

/// <summary>The JSON-line form of trainer events, shared by <c>train --json-progress</c> and trial workers.</summary>
internal static class TrainingEventJson
{
    public static object Of(TrainingEvent update) => update switch
    {
        TrainingStarted s => new { @event = "training", step = s.Step, total_steps = s.TotalSteps, examples = s.Examples, warmup_steps = s.WarmupSteps },
        TrainingLog l => new { @event = "log", step = l.Step, total_steps = l.TotalSteps, epoch = Math.Round(l.Epoch, 4), loss = l.Loss, lr = l.LearningRate, grad_norm = l.GradNorm, samples_per_second = Math.Round(l.SamplesPerSecond, 2) },
        EvaluationLog e => new { @event = "eval", step = e.Step, total_steps = e.TotalSteps, epoch = Math.Round(e.Epoch, 4), metrics = e.Metrics, primary_metric = e.PrimaryMetric, is_best = e.IsBest },
        CheckpointLog c => new { @event = "checkpoint", step = c.Step, total_steps = c.TotalSteps, path = c.Path },
        _ => new { @event = "unknown", step = update.Step },
    };
}
