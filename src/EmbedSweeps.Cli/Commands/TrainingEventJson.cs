using EmbedSweeps.Abstractions;
using EmbedSweeps.Embeddings.Training;

namespace EmbedSweeps.Cli.Commands;

/// <summary>The trainer's events as the worker contract's (<see cref="WorkerEvent"/>), for <c>train --json-progress</c> and trial workers.</summary>
internal static class TrainingEventJson
{
    public static WorkerEvent Of(TrainingEvent update) => update switch
    {
        TrainingStarted s => new WorkerTraining(s.TotalSteps, s.Examples, s.WarmupSteps) { Step = s.Step },
        TrainingLog l => new WorkerLog(l.TotalSteps, Math.Round(l.Epoch, 4), l.Loss, l.LearningRate, l.GradNorm, Math.Round(l.SamplesPerSecond, 2)) { Step = l.Step },
        EvaluationLog e => new WorkerEval(e.TotalSteps, Math.Round(e.Epoch, 4), e.Metrics, e.PrimaryMetric, e.IsBest) { Step = e.Step },
        CheckpointLog c => new WorkerCheckpoint(c.TotalSteps, c.Path) { Step = c.Step },
        _ => throw new ArgumentOutOfRangeException(nameof(update), update.GetType().Name, "a training event the worker contract has no line for"),
    };
}
