using System.Diagnostics;
using EmbedSweeps.Embeddings.Training;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// Shows training progress: a one-line bar on an interactive terminal (step, loss, lr, it/s, ETA),
/// plain log lines otherwise, and JSON lines on stdout with <c>--json-progress</c>.
/// </summary>
internal sealed class TrainingProgress(bool json)
{
    private readonly bool interactive = !Console.IsErrorRedirected;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private int startStep;

    public void Report(TrainingEvent update)
    {
        if (json) Console.WriteLine(EmbedSweeps.Abstractions.WorkerJson.Write(TrainingEventJson.Of(update)));
        switch (update)
        {
            case TrainingStarted started:
                startStep = started.Step;
                clock.Restart();
                if (!json) Console.Error.WriteLine($"training {started.TotalSteps - started.Step} steps on {started.Examples} examples (warm-up {started.WarmupSteps} steps){(started.Step > 0 ? $", resuming at step {started.Step}" : "")}");
                break;
            case TrainingLog log:
                var rate = (log.Step - startStep) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                var eta = TimeSpan.FromSeconds((log.TotalSteps - log.Step) / Math.Max(rate, 1e-9));
                var line = $"{Bar(log.Step, log.TotalSteps)} step {log.Step}/{log.TotalSteps}  loss {log.Loss:F4}  lr {log.LearningRate:E2}  " +
                           $"{rate:F2} it/s  ETA {eta:h\\:mm\\:ss}";
                if (interactive) Console.Error.Write($"\r{line}\u001b[K");
                else if (!json) Console.Error.WriteLine(line);
                break;
            case EvaluationLog evaluation:
                var message = $"step {evaluation.Step}: {evaluation.PrimaryMetric} = {evaluation.Metrics[evaluation.PrimaryMetric]:F4}{(evaluation.IsBest ? " (best)" : "")}";
                if (interactive) Console.Error.Write($"\r\u001b[K{message}\n");
                else if (!json) Console.Error.WriteLine(message);
                break;
        }
    }

    public void Complete()
    {
        if (interactive) Console.Error.WriteLine();
    }

    private static string Bar(int step, int total)
    {
        const int width = 24;
        var filled = (int)Math.Round(width * (double)step / total);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }
}
