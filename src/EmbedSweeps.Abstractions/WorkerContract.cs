using System.Text.Json;
using System.Text.Json.Serialization;

namespace EmbedSweeps.Abstractions;

/// <summary>
/// What a trainer silo asks a worker process to run (<c>embedsweeps trial-worker --spec trial.json</c>), written by
/// the trial runner and read by the worker through <see cref="WorkerJson"/>: the trial's resolved settings (as
/// <c>sweep expand --json</c> prints them), the objective metric, where to write, and which attempt this is (so the
/// runner can tell a stale worker's output from the current one's). <see cref="Resume"/> is the folder whose
/// checkpoints the attempt continues from; <see cref="Gpu"/> is the device the runner gave it (the worker sees it
/// through CUDA_VISIBLE_DEVICES); <see cref="ExitWithParent"/>: end when the runner's stdin closes. The first four are
/// required; the rest have defaults.
/// </summary>
public sealed record WorkerSpec(
    string TrialId, string Objective, string Output, IReadOnlyDictionary<string, JsonElement> Settings,
    int Attempt = 1, string Device = "auto", string? Gpu = null, string? Resume = null, bool ExitWithParent = false,
    int Version = WorkerSpec.CurrentVersion)
{
    /// <summary>The contract's version (<see cref="Version"/>); a worker refuses a spec of a newer one (absent in a file: 1).</summary>
    public const int CurrentVersion = 1;
}

/// <summary>
/// One line a worker writes on stdout, as JSON with <c>"event"</c> first: started, training (the run's length), log
/// (loss and learning rate every few steps), eval (an intermediate evaluation), checkpoint, result (the last line of
/// a trial that ran), error (the last line of one that could not). <see cref="TrialId"/> and <see cref="Attempt"/> tag
/// it, so a runner ignores lines of a stale attempt; <c>train --json-progress</c> writes the same events untagged.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(WorkerStarted), "started")]
[JsonDerivedType(typeof(WorkerTraining), "training")]
[JsonDerivedType(typeof(WorkerLog), "log")]
[JsonDerivedType(typeof(WorkerEval), "eval")]
[JsonDerivedType(typeof(WorkerCheckpoint), "checkpoint")]
[JsonDerivedType(typeof(WorkerResult), "result")]
[JsonDerivedType(typeof(WorkerError), "error")]
public abstract record WorkerEvent
{
    public int Step { get; init; }
    public string? TrialId { get; init; }
    public int? Attempt { get; init; }
}

/// <summary>The worker has loaded the model on <see cref="Device"/>; a baseline only evaluates it.</summary>
public sealed record WorkerStarted(string Device, int? Examples = null, bool? Baseline = null) : WorkerEvent;

/// <summary>Training begins: <see cref="TotalSteps"/> optimizer steps over <see cref="Examples"/> examples.</summary>
public sealed record WorkerTraining(int TotalSteps, int Examples, int WarmupSteps) : WorkerEvent;

/// <summary>Training loss and learning rate at <see cref="WorkerEvent.Step"/> (grad_norm before clipping).</summary>
public sealed record WorkerLog(int TotalSteps, double Epoch, double Loss, double Lr, double GradNorm, double SamplesPerSecond) : WorkerEvent;

/// <summary>An intermediate evaluation; a metric that is not a number is written "NaN".</summary>
public sealed record WorkerEval(int TotalSteps, double Epoch, IReadOnlyDictionary<string, double> Metrics, string PrimaryMetric, bool IsBest) : WorkerEvent;

/// <summary>A checkpoint folder was written (the runner uploads it, so another silo can resume).</summary>
public sealed record WorkerCheckpoint(int TotalSteps, string Path) : WorkerEvent;

/// <summary>
/// The trial ran: every final metric, the objective's value, and where the model is. <see cref="BestStep"/> may be
/// absent (a baseline has none), so it has a default: absent values are left out of the line, the rest are required.
/// </summary>
public sealed record WorkerResult(int Steps, string Objective, double ObjectiveValue, IReadOnlyDictionary<string, double> Metrics, string Output, int? BestStep = null) : WorkerEvent;

/// <summary>The trial could not run; <see cref="Message"/> says why in one sentence.</summary>
public sealed record WorkerError(string Message) : WorkerEvent;

/// <summary>
/// The one JSON form of the worker contract (source-generated): snake_case, NaN as "NaN", nulls left out. Both the
/// runner (Grains) and the worker (Cli) read and write through it, so neither spells a key by hand.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(WorkerSpec))]
[JsonSerializable(typeof(WorkerEvent))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
public sealed partial class WorkerJson : JsonSerializerContext
{
    public static string Write(WorkerSpec spec) => JsonSerializer.Serialize(spec, Default.WorkerSpec);

    /// <exception cref="JsonException">Not a spec (a required field missing, a value of the wrong kind).</exception>
    public static WorkerSpec ReadSpec(string json) => JsonSerializer.Deserialize(json, Default.WorkerSpec) ?? throw new JsonException("the spec is null");

    /// <summary>A trial's settings (its canonical settings JSON) as the spec carries them.</summary>
    public static Dictionary<string, JsonElement> Settings(string json) =>
        JsonSerializer.Deserialize(json, Default.DictionaryStringJsonElement) ?? throw new JsonException("the settings are null");

    /// <summary>One line: the event, with <c>"event"</c> first.</summary>
    public static string Write(WorkerEvent message) => JsonSerializer.Serialize(message, Default.WorkerEvent);

    /// <summary>The event on a worker's line, or null for a line that is not one (a library printing to stdout).</summary>
    public static WorkerEvent? TryRead(string line)
    {
        if (!line.StartsWith('{')) return null;
        try
        {
            return JsonSerializer.Deserialize(line, Default.WorkerEvent);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return null;
        }
    }
}
