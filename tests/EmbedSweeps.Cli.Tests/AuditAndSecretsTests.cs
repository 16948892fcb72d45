using System.Text;
using System.Text.Json;
using EmbedSweeps.Client;
using EmbedSweeps.Silo;

namespace EmbedSweeps.Cli.Tests;

/// <summary>
/// The audit trail records each change a command attempts (who, from which machine, what, outcome), append-only and newest
/// first, shown by <c>audit</c>; and no storage key, signature or password reaches a command's output or errors.
/// </summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
[Collection(CliCollection.Name)]
public sealed class AuditAndSecretsTests : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly ClusterEnvironment environment;
    private readonly AzuriteFixture azurite;

    public AuditAndSecretsTests(AzuriteFixture azurite)
    {
        this.azurite = azurite;
        environment = new ClusterEnvironment(azurite);
    }

    public void Dispose() => environment.Dispose();

    [Fact]
    public async Task ChangesAreRecordedAppendOnlyAndShownNewestFirst()
    {
        var empty = environment.Run("audit");
        Assert.True(empty.ExitCode == 0, empty.Error);
        Assert.Contains("no changes recorded yet", empty.Output);

        // A change that fails is recorded with its reason.
        var promote = environment.Run("promote", "never-submitted/t-0123456789abcdef");
        Assert.Equal(2, promote.ExitCode);

        // Two records in the same instant are both kept: a record never overwrites another.
        var trail = AuditTrail.For(new EmbedSweepsClusterOptions { ConnectionString = azurite.ConnectionString, StoragePrefix = environment.Prefix });
        var at = DateTimeOffset.UtcNow.AddSeconds(5);
        await trail.AppendAsync(new AuditRecord(at, "ada", "host-a", "cli", "cancel", "nli", "succeeded"));
        await trail.AppendAsync(new AuditRecord(at, "ada", "host-a", "cli", "cancel", "nli", "succeeded"));

        var json = environment.Run("audit", "--json");
        Assert.True(json.ExitCode == 0, json.Error);
        var records = JsonDocument.Parse(json.Output).RootElement.EnumerateArray().ToList();
        Assert.Equal(3, records.Count);
        Assert.All(records.Take(2), r => Assert.Equal("cancel", r.GetProperty("action").GetString()));
        var failed = records[2];
        Assert.Equal("cli", failed.GetProperty("channel").GetString());
        Assert.Equal(Environment.UserName, failed.GetProperty("actor").GetString());
        Assert.Equal(Environment.MachineName, failed.GetProperty("origin").GetString());
        Assert.Equal("promote", failed.GetProperty("action").GetString());
        Assert.Equal("never-submitted/t-0123456789abcdef → champion", failed.GetProperty("target").GetString());
        Assert.StartsWith("failed: ", failed.GetProperty("outcome").GetString());
        Assert.True(records[0].GetProperty("at").GetDateTimeOffset() >= records[2].GetProperty("at").GetDateTimeOffset());

        var table = environment.Run("audit", "--limit", "1");
        Assert.Equal(2, table.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header and one record
        Assert.Contains("ada@host-a", table.Output);
        Assert.Equal(2, environment.Run("audit", "--limit", "0").ExitCode);
    }

    [Fact]
    public void NoKeyReachesOutputOrErrors()
    {
        string[][] commands =
        [
            ["sweep", "list"], ["sweep", "list", "--json"], ["audit"], ["audit", "--json"], ["promote", "a/t-1"],
            ["silo", "--role", "web"], ["leaderboard", "a", "--json"], ["sweep", "status", "a"],
        ];
        foreach (var form in new[] { "unreachable", "malformed", "bare key" })
            foreach (var debug in new[] { "0", "1" })
                foreach (var command in commands)
                {
                    // A key of its own for every run: masking is remembered for the process, so a key an earlier run bound
                    // would be masked in this one even if this command printed it before binding it.
                    var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(45));
                    var connectionString = form switch
                    {
                        "unreachable" => $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};" +
                                         "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;",
                        "malformed" => $"AccountKey={key};this is not a connection string",
                        // The key pasted without "AccountKey=": the parser quotes such a segment in its error.
                        _ => $"DefaultEndpointsProtocol=https;AccountName=embedsweeps;{key}",
                    };
                    var result = environment.Run(new Dictionary<string, string> { ["EMBEDSWEEPS__STORAGE__CONNECTIONSTRING"] = connectionString, ["EMBEDSWEEPS_DEBUG"] = debug }, command);
                    var text = result.Output + result.Error;
                    Assert.True(result.ExitCode != 0, $"{string.Join(' ', command)} succeeded without storage");
                    Assert.False(text.Contains(key, StringComparison.Ordinal), $"{string.Join(' ', command)} ({form}) printed the key:\n{text}");
                    Assert.Contains("storage", text);
                }
    }

    [Fact]
    public void RedactionMasksKeysSignaturesAndConfiguredSecrets()
    {
        Assert.Equal("AccountName=a;AccountKey=***;EndpointSuffix=core.windows.net", Secrets.Redact("AccountName=a;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net"));
        Assert.Equal("https://a.blob.core.windows.net/c?sv=2024&sig=***", Secrets.Redact("https://a.blob.core.windows.net/c?sv=2024&sig=abc%2Fdef"));
        // Binding a connection string remembers its key: a message quoting the key alone is masked too.
        EmbedSweepsClusterOptions.Bind(EmbedSweepsConfiguration.FromVariables(new Dictionary<string, string>
        {
            ["EMBEDSWEEPS__STORAGE__CONNECTIONSTRING"] = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Ym91bmQtb25jZS1hbmQtbWFza2Vk",
        }));
        Assert.Equal("the key *** was quoted", Secrets.Redact("the key Ym91bmQtb25jZS1hbmQtbWFza2Vk was quoted"));
        Secrets.Remember("correct-horse-battery"); // as the web's AdminAccess does with Web:AdminPassword
        Assert.Equal("the password *** was typed", Secrets.Redact("the password correct-horse-battery was typed"));
    }
}
