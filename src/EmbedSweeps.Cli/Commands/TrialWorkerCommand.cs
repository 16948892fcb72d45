using System.CommandLine;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Evaluation;
using EmbedSweeps.Embeddings.Training;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// <c>embedsweeps trial-worker --spec trial.json</c>: runs one trial in its own process, as trainer
/// silos do — training with progress as JSON lines on stdout (each tagged with the trial id and
/// attempt), intermediate evaluations of the objective, then every evaluation of the sweep on the
/// final model, ending with one <c>{"event": "result", …}</c> line. Exit 0 on success, 2 on bad
/// input (an <c>{"event": "error"}</c> line says why).
/// </summary>
internal static class TrialWorkerCommand
{
    public static Command Create()
    {
        var spec = new Option<string>("--spec") { Description = "The trial to run (JSON written by the trial runner).", Required = true };
        var command = new Command("trial-worker", "Run one trial of a sweep (used by trainer silos; progress as JSON lines).") { spec };
        command.SetAction(async (result, cancellationToken) =>
        {
            // Its user wrote a sweep file: messages name settings as its keys (learning_rate), not as train's flags (--lr).
            using var sweepKeys = SettingNames.SweepKeys();
            TrialSpec? trial = null;
            try
            {
                trial = TrialSpec.Load(result.GetValue(spec)!);
                if (trial.ExitWithParent) ExitWhenParentDies();
                return Run(trial, cancellationToken);
            }
            catch (EmbedSweepsException e)
            {
                Emit(trial, new WorkerError(e.Message));
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return CommandLine.BadInput;
            }
        });
        return command;
    }

    private static int Run(TrialSpec trial, CancellationToken cancellationToken)
    {
        if (trial.IsBaseline) return RunBaseline(trial);
        var config = trial.ToTrainingConfig();
        var problems = config.Problems().ToList();
        if (problems.Count > 0) throw new EmbedSweepsException(string.Join(" ", problems));
        var evaluators = trial.Evaluations.Select(Tasks.Create).ToList();
        // Intermediate reports use the evaluation that produces the objective (the longest matching prefix:
        // "pairs_hard_…" belongs to pairs_hard, not to pairs), and it keeps the best checkpoint by the objective
        // itself, not by that evaluator's own primary metric.
        var objectiveSource = evaluators.Where(e => trial.Objective.StartsWith(e.Name + "_", StringComparison.Ordinal))
            .OrderByDescending(e => e.Name.Length).FirstOrDefault() ?? evaluators[0];
        var primary = new ObjectiveEvaluator(objectiveSource, trial.Objective);

        Directory.CreateDirectory(trial.Output);
        using var setup = TrainingSetup.Create(config, trial.Device);
        var (encoder, examples) = (setup.Encoder, setup.Examples);
        // Matryoshka sizes past the model's width would only fail at the first evaluation, after training: say so now.
        foreach (var request in trial.Evaluations)
            if (request.Dims?.FirstOrDefault(d => d > encoder.FullDimension) is { } tooWide and > 0)
                throw new EmbedSweepsException($"evaluation {EvaluationTasks.MetricPrefix(request)}: dims {tooWide} is wider than {config.Model}'s {encoder.FullDimension}-value embeddings.");
        Emit(trial, new WorkerStarted(encoder.Device.type.ToString().ToLowerInvariant(), Examples: examples.Count));
        var trainer = new Trainer(config, encoder, setup.Loss, examples, primary, trial.Output, update => Emit(trial, TrainingEventJson.Of(update)));
        var outcome = trainer.Train(trial.Resume, cancellationToken);

        var metrics = new Dictionary<string, double>(outcome.FinalMetrics);
        using var final = SentenceEncoder.Load(trial.Output, encoder.Device);
        foreach (var evaluator in evaluators.Where(e => e != objectiveSource))
            foreach (var (name, value) in evaluator.Evaluate(final).Prefixed) metrics[name] = value;
        var objectiveEvaluation = outcome.LastEvaluation;
        if (objectiveEvaluation is null || (outcome.BestStep is not null && outcome.BestStep != outcome.Steps))
        {
            objectiveEvaluation = primary.Evaluate(final); // the saved (best) model's own scores
            foreach (var (name, value) in objectiveEvaluation.Prefixed) metrics[name] = value;
        }
        foreach (var (name, value) in ObjectiveConfidence.Of(trial.Objective, objectiveEvaluation, primary, config.Model, encoder.Device))
            metrics[name] = value;
        Emit(trial, new WorkerResult(outcome.Steps, trial.Objective, metrics.GetValueOrDefault(trial.Objective, double.NaN), metrics, trial.Output, outcome.BestStep)
        {
            Step = outcome.Steps,
        });
        return CommandLine.Success;
    }

    /// <summary>The runner holds our stdin open; end of input means the silo is gone, so stop at once.</summary>
    private static void ExitWhenParentDies()
    {
        var watcher = new Thread(() =>
        {
            try
            {
                while (Console.In.Read() >= 0) { }
            }
            catch (IOException) { }
            Console.Error.WriteLine("trial-worker: the silo that started this worker is gone; exiting.");
            Environment.Exit(3);
        }) { IsBackground = true, Name = "parent watch" };
        watcher.Start();
    }

    private static int RunBaseline(TrialSpec trial)
    {
        var config = trial.ToTrainingConfig();
        using var encoder = CommonOptions.LoadEncoder(config.Model, trial.Device);
        Emit(trial, new WorkerStarted(encoder.Device.type.ToString().ToLowerInvariant(), Baseline: true));
        var metrics = new Dictionary<string, double>();
        foreach (var evaluator in trial.Evaluations.Select(Tasks.Create))
            foreach (var (name, value) in evaluator.Evaluate(encoder).Prefixed) metrics[name] = value;
        Emit(trial, new WorkerResult(0, trial.Objective, metrics.GetValueOrDefault(trial.Objective, double.NaN), metrics, Runtime.Models.Resolve(config.Model)));
        return CommandLine.Success;
    }

    // One line of the worker contract, tagged so a runner can reject lines from a stale attempt (a metric that is not
    // a number, as a constant model's correlation, is written "NaN").
    private static void Emit(TrialSpec? trial, WorkerEvent message) =>
        Console.WriteLine(WorkerJson.Write(trial is null ? message : message with { TrialId = trial.TrialId, Attempt = trial.Attempt }));
}
