namespace EmbedSweeps.Sweeps.Definition;

public enum SearchMethod { Grid, Random, Bayes }

public enum Goal { Maximize, Minimize }

/// <summary>
/// The metric to rank trials by, and whether higher is better. A NaN value is a failed evaluation (a model whose
/// embeddings are constant or not finite has no correlation): it ranks below every number, for either goal.
/// </summary>
public sealed record Objective(string Metric, Goal Goal)
{
    /// <summary>True when <paramref name="a"/> is strictly better than <paramref name="b"/>; a number beats NaN, NaN beats nothing.</summary>
    public bool IsBetter(double a, double b) =>
        !double.IsNaN(a) && (double.IsNaN(b) || (Goal == Goal.Maximize ? a > b : a < b));

    /// <summary>Orders values best first, NaN last.</summary>
    public IComparer<double> BestFirst => Comparer<double>.Create((a, b) => IsBetter(a, b) ? -1 : IsBetter(b, a) ? 1 : 0);
}

/// <summary>Where the training examples come from.</summary>
public sealed record DataSpec(string Train, int? MaxSamples, bool HardNegatives);

/// <summary>Settings every trial shares unless a parameter overrides them.</summary>
public sealed record TrainingSpec(int Epochs, int? MaxSteps, int? EvalSteps, int? CheckpointSteps, string Precision);

/// <summary>
/// One evaluation each trial runs at the end: a built-in task (STS-B split, Banking77, mnli-retrieval) or a task on
/// the user's data (<see cref="Data"/>: an absolute path, resolved against the sweep file), with an optional metric
/// prefix, Matryoshka dimensions and MTEB protocol. <see cref="EvaluationCatalog"/> knows the tasks and their metrics.
/// </summary>
public sealed record EvaluationSpec(string Task, string Split, string? Data = null, string? Label = null,
    IReadOnlyList<int>? Dims = null, string Protocol = EvaluationCatalog.DefaultProtocol)
{
    /// <summary>The prefix of this evaluation's metric names: <c>stsb_validation</c>, <c>banking77</c>, or the name given.</summary>
    public string Name => EvaluationCatalog.MetricPrefix(Task, Split, Data, Label, Protocol);

    /// <summary>
    /// True when the trial setting may name the evaluation by its prefix alone (STS-B with its defaults, the form trial
    /// ids were first hashed over). Banking77 is always spelled out with its protocol: its default changed from MTEB
    /// 1.x to 2.x sampling, and a resubmitted sweep must not mix the two under one trial id.
    /// </summary>
    public bool IsPlain => Task is "stsb" && Data is null && Label is null && Dims is null;
}

/// <summary>none, median_stopping or successive_halving (ASHA).</summary>
public sealed record EarlyTerminationSpec(string Type, int MinSteps, int ReductionFactor, int MinTrials)
{
    public static EarlyTerminationSpec None { get; } = new("none", 0, 3, 3);
}

/// <param name="KeepModels"><c>limits.keep_models</c>: keep the models of only this many best succeeded trials (promoted ones always stay); null keeps all.</param>
public sealed record LimitsSpec(int MaxTrials, int MaxConcurrentTrials, TimeSpan TrialTimeout, int MaxFailures, int? KeepModels = null);

public sealed record ResourcesSpec(string Device, int TrialsPerGpu);

/// <summary>A validated sweep: what to search, how, and how to judge and run the trials.</summary>
public sealed record SweepDefinition(
    string Name,
    string Description,
    SearchMethod Method,
    int Seed,
    Objective Objective,
    IReadOnlyList<ParameterSpace> Parameters,
    DataSpec Data,
    TrainingSpec Training,
    IReadOnlyList<EvaluationSpec> Evaluation,
    EarlyTerminationSpec EarlyTermination,
    LimitsSpec Limits,
    ResourcesSpec Resources)
{
    /// <summary>What is valid but probably not meant (a swept setting some of the sweep's losses ignore), as FILE:LINE:COLUMN.</summary>
    public IReadOnlyList<SweepProblem> Warnings { get; init; } = [];

    /// <summary><c>report.pareto</c>: the metrics whose Pareto front the leaderboard marks (empty: none).</summary>
    public IReadOnlyList<string> Pareto { get; init; } = [];
}
