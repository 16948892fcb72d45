namespace EmbedSweeps.Embeddings.Training;

/// <summary>What the trainer reports while it runs; written as JSON lines and drawn as a progress bar.</summary>
public abstract record TrainingEvent(int Step, int TotalSteps, double Epoch);

/// <summary>Training begins (at <c>Step</c> &gt; 0 when resumed).</summary>
public sealed record TrainingStarted(int Step, int TotalSteps, double Epoch, int Examples, int WarmupSteps) : TrainingEvent(Step, TotalSteps, Epoch);

/// <summary>Every <c>logging_steps</c>: mean loss since the last log, learning rate, gradient norm, throughput.</summary>
public sealed record TrainingLog(int Step, int TotalSteps, double Epoch, double Loss, double LearningRate, double GradNorm, double SamplesPerSecond)
    : TrainingEvent(Step, TotalSteps, Epoch);

/// <summary>Every <c>eval_steps</c> and at the end: the evaluator's metrics.</summary>
public sealed record EvaluationLog(int Step, int TotalSteps, double Epoch, IReadOnlyDictionary<string, double> Metrics, string PrimaryMetric, bool IsBest)
    : TrainingEvent(Step, TotalSteps, Epoch);

/// <summary>A checkpoint was written (and the run can be resumed from it).</summary>
public sealed record CheckpointLog(int Step, int TotalSteps, double Epoch, string Path) : TrainingEvent(Step, TotalSteps, Epoch);
