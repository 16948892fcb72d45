namespace EmbedSweeps.Web.Tests;

/// <summary>The web app never prints the storage account's key or the administrator's password, even when storage fails.</summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
public sealed class WebSecretsTests
{
    [Fact]
    public void AnUnreachableStorageAccountIsOneClearErrorWithoutItsKey()
    {
        const string key = "d2ViLWZha2Uta2V5LXRoYXQtbXVzdC1uZXZlci1iZS1wcmludGVkLTAxMjM0NTY3OA==";
        var connectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};" +
                               "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";
        using var app = new WebAppProcess(null, new Dictionary<string, string>
        {
            ["EMBEDSWEEPS__STORAGE__CONNECTIONSTRING"] = connectionString,
            ["EMBEDSWEEPS__STORAGE__PREFIX"] = "nowhere",
        }, readyLine: "error: storage");
        Assert.Equal(2, app.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("error: storage at http://127.0.0.1:1/devstoreaccount1 cannot be reached", app.Log);
        Assert.DoesNotContain("   at ", app.Log);
        Assert.DoesNotContain(key, app.Log);
        Assert.DoesNotContain(WebAppProcess.AdminPassword, app.Log);
    }
}
