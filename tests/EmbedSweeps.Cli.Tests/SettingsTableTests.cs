using System.Text.Json;
using EmbedSweeps.Cli.Commands;
using EmbedSweeps.Embeddings;
using EmbedSweeps.Embeddings.Training;
using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Cli.Tests;

/// <summary>
/// The one table of trial settings (<see cref="TrialSettings"/>, in Sweeps) and the places that must agree with it but
/// cannot reference it: the trial worker's binding to a training run, and the names messages give settings.
/// </summary>
public sealed class SettingsTableTests
{
    [Fact]
    public void TheWorkerBindsEverySettingOfTheTableAndNoOther()
    {
        var bound = TrainingBinding.Setters.Keys.Concat(TrainingBinding.ReadByTheWorker).Order(StringComparer.Ordinal);
        Assert.Equal(TrialSettings.All.Select(s => s.Name).Order(StringComparer.Ordinal), bound);
    }

    [Theory]
    [MemberData(nameof(BoundSettings))]
    public void EachSettingSetsTheTrainingFieldOfItsName(string name)
    {
        var setting = TrialSettings.ByName[name];
        // A value no default has, of the setting's type.
        var value = setting.Type switch
        {
            TrialSettings.ValueType.Integer => JsonSerializer.SerializeToElement(77),
            TrialSettings.ValueType.Number => JsonSerializer.SerializeToElement(0.123),
            TrialSettings.ValueType.Boolean => JsonSerializer.SerializeToElement(true),
            _ => JsonSerializer.SerializeToElement(setting.Choices?[^1] ?? "some-text"),
        };
        var config = TrainingBinding.Setters[name](new TrainingConfig(), new SettingValue("t-1", name, value));

        // TrainingConfig is stored in snake_case: every field is the setting's own name, except the model's.
        var field = name == "base_model" ? "model" : name;
        Assert.Equal(value.GetRawText(), JsonSerializer.SerializeToElement(config, TrainingConfig.Json).GetProperty(field).GetRawText());
        var defaults = JsonSerializer.SerializeToElement(new TrainingConfig(), TrainingConfig.Json);
        Assert.False(defaults.TryGetProperty(field, out var unset) && unset.GetRawText() == value.GetRawText(), $"{value} is {field}'s default: the test proves nothing");
    }

    public static TheoryData<string> BoundSettings() => new(TrainingBinding.Setters.Keys);

    [Fact]
    public void MessagesNameEverySettingTheTrainCommandTakesByItsFlag()
    {
        var options = TrainCommand.Create().Options.Select(o => o.Name).ToHashSet();
        Assert.All(SettingNames.Flags.Values, flag => Assert.Contains(flag, options));
        // The other keys a message may name (resources.device, an evaluation's split and name): flags of train or eval.
        var trainOrEval = options.Concat(EvalCommand.Create().Options.Select(o => o.Name)).ToHashSet();
        Assert.All(SettingNames.OtherFlags.Values, flag => Assert.Contains(flag, trainOrEval));
        // Every setting of a training run has a flag; logging_steps is the train command's own (a worker logs every 10).
        var trained = TrainingBinding.Setters.Keys.Append("logging_steps").Order(StringComparer.Ordinal);
        Assert.Equal(trained, SettingNames.Flags.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheTablesDefaultsAreTheTrainingRunsDefaults()
    {
        var run = JsonSerializer.SerializeToElement(new TrainingConfig(), TrainingConfig.Json);
        // base_model and loss have no default: a sweep must set them.
        foreach (var setting in TrialSettings.All.Where(s => TrainingBinding.Setters.ContainsKey(s.Name) && s.Name is not ("base_model" or "loss")))
        {
            var table = setting.Default is null ? "(none)" : JsonSerializer.SerializeToElement(setting.Default).GetRawText();
            var trained = run.TryGetProperty(setting.Name, out var value) ? value.GetRawText() : "(none)";
            Assert.True(table == trained, $"{setting.Name}: the table says {table}, a training run uses {trained}");
        }
    }

    [Fact]
    public void TheSweepFormatsDocumentationShowsTheTableAsItIs()
    {
        // sweeps/README.md holds the output of `embedsweeps sweep settings`: a setting added to the table and not to the
        // documentation (or the reverse) fails here. Regenerate it with that command.
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "sweeps", "README.md"));
        Assert.Contains(SweepSettingsCommand.Markdown(), readme);
    }
}

