namespace EmbedSweeps.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class SweepCommandTests
{
    [Fact]
    public void ValidateCountsTheTrials()
    {
        var result = CliRunner.Run("sweep", "validate", Path.Combine(CliRunner.RepositoryRoot, "sweeps", "nli-losses.yaml"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("valid: 24 trials", result.Output);
    }

    [Fact]
    public void ProblemsArePrintedWithPositionsAndExitTwo()
    {
        var path = Path.Combine(CliRunner.NewTemporaryDirectory(), "bad.yaml");
        File.WriteAllText(path, "name: x\nmethod: gird\nobjective: { metric: stsb_validation_spearman_cosine }\nparameters: { base_model: m, loss: mnrl }\n");
        var result = CliRunner.Run("sweep", "validate", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{path}:2:9: method 'gird' is not valid; did you mean 'grid'?", result.Error);
        Assert.Contains("no trial was created", result.Error);
    }

    [Fact]
    public void ExpandListsIdsAsJson()
    {
        var result = CliRunner.Run("sweep", "expand", Path.Combine(CliRunner.RepositoryRoot, "sweeps", "quickstart.yaml"), "--json");
        Assert.Equal(0, result.ExitCode);
        using var document = System.Text.Json.JsonDocument.Parse(result.Output);
        var trials = document.RootElement.GetProperty("trials");
        Assert.Equal(4, trials.GetArrayLength());
        Assert.StartsWith("t-", trials[0].GetProperty("trial_id").GetString());
        // An evaluation list is JSON in the JSON, never JSON text inside a string.
        var listed = CliRunner.Run("sweep", "expand", Path.Combine(CliRunner.RepositoryRoot, "sweeps", "nli-cpu.yaml"), "--json");
        using var nli = System.Text.Json.JsonDocument.Parse(listed.Output);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, nli.RootElement.GetProperty("trials")[0].GetProperty("settings").GetProperty("evaluation").ValueKind);
    }
}
