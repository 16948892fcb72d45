using System.CommandLine;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Cli.Cluster;
using EmbedSweeps.Silo.Hosting;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Grains;
using EmbedSweeps.Client;
using EmbedSweeps.Silo;

namespace EmbedSweeps.Cli.Commands;

/// <summary>
/// <c>embedsweeps export ALIAS|SWEEP/TRIAL --output DIR</c> (or <c>--model NAME_OR_DIR</c>): write a model
/// as a sentence-transformers directory, loadable by Python's SentenceTransformer.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var source = new Argument<string?>("source") { Description = "A registry alias (champion) or SWEEP/TRIAL_ID.", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string?>("--model", "-m") { Description = "Or: a model directory or Hugging Face id." };
        var output = new Option<string>("--output", "-o") { Description = "The directory to write (must not exist, or be empty).", Required = true };
        var command = new Command("export", "Save a model in sentence-transformers format (loadable by Python's SentenceTransformer).")
        {
            source, model, output,
        };
        command.SetAction(CommandLine.Guard(async (result, cancellationToken) =>
        {
            var target = result.GetValue(output)!;
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
                throw new EmbedSweepsException($"{target}: exists and is not empty; choose a new directory.");
            var name = result.GetValue(model) ?? await FromRegistryAsync(result.Hosting(), result.GetValue(source), cancellationToken);
            using var encoder = CommonOptions.LoadEncoder(name, "cpu");
            var staging = target.TrimEnd('/') + $".{Environment.ProcessId}.partial";
            try
            {
                encoder.Save(staging);
                if (Directory.Exists(target)) Directory.Delete(target);
                Directory.Move(staging, target);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
                throw new EmbedSweepsException($"{target}: cannot be written ({e.Message}).");
            }
            Console.Error.WriteLine($"saved {target} (from {name})");
            return CommandLine.Success;
        }));
        return command;
    }

    /// <summary>
    /// The trained model directory of an alias or a SWEEP/TRIAL_ID: the trainer's own folder when this is
    /// that machine, otherwise a copy fetched from the artifact store (blob) into .embedsweeps/artifacts.
    /// </summary>
    private static async Task<string> FromRegistryAsync(HostingOptions hosting, string? source, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(source)) throw new EmbedSweepsException("export: name an alias (champion), a SWEEP/TRIAL_ID, or --model NAME_OR_DIR.");
        await using var session = await ClusterSession.StartAsync(hosting, trainer: false, cancellationToken);
        var key = source;
        if (!source.Contains('/'))
        {
            var aliases = await session.Client.GetGrain<IModelRegistryGrain>("default").AliasesAsync();
            key = aliases.TryGetValue(source, out var promotion)
                ? promotion.TrialKey
                : throw new EmbedSweepsException($"{source}: no such alias (aliases: {(aliases.Count == 0 ? "none yet; promote a trial first" : string.Join(", ", aliases.Keys))}).");
        }
        if (!TrialKey.TryParse(key, out _)) throw new EmbedSweepsException($"{source}: not an alias or a SWEEP/TRIAL_ID (see `leaderboard SWEEP`).");
        var trial = await session.Client.GetGrain<ITrialGrain>(key).GetAsync();
        if (trial.Status != TrialStatus.Succeeded) throw new EmbedSweepsException($"{source}: no succeeded trial of that name.");
        if (trial.ModelRemoved is { } removed) throw new EmbedSweepsException($"{source}: its model was deleted ({removed}); export one of the kept trials, or rerun it without the limit.");
        if (trial.OutputPath is { Length: > 0 } local && Directory.Exists(local)) return local;

        var copy = Path.Combine(hosting.StateDirectory, "artifacts", StorageKeys.Safe(trial.Sweep), StorageKeys.Safe(trial.TrialId));
        if (Directory.Exists(copy)) return copy;
        var store = BlobArtifactStore.For(session.Options);
        return await store.DownloadModelAsync(trial.Sweep, trial.TrialId, copy, cancellationToken)
            ? copy
            : throw new EmbedSweepsException($"{source}: its model is neither on this machine ({trial.OutputPath}) nor in the artifact store (the trainer could not upload it); export it on the trainer that produced it.");
    }
}
