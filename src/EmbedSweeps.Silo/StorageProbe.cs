using Azure;
using Azure.Core;
using Azure.Data.Tables;

namespace EmbedSweeps.Silo;

/// <summary>Checks, before a silo starts, that the storage account answers — and says how to fix it when not.</summary>
public static class StorageProbe
{
    public static async Task<string?> ProblemAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        TableServiceClient client;
        try
        {
            var options = new TableClientOptions { Retry = { MaxRetries = 1, NetworkTimeout = TimeSpan.FromSeconds(5), Mode = RetryMode.Fixed, Delay = TimeSpan.FromMilliseconds(200) } };
            client = new TableServiceClient(connectionString, options);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return $"the storage connection string is not valid ({e.Message}); set EMBEDSWEEPS__STORAGE__CONNECTIONSTRING.";
        }
        try
        {
            await client.GetPropertiesAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException or OperationCanceledException)
        {
            var local = connectionString.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
                ? " This is the local default (Azurite on 127.0.0.1:10000-10002): ./embedsweeps starts it when nothing listens, or run `npx azurite --location .embedsweeps/azurite` yourself."
                : " Check EMBEDSWEEPS__STORAGE__CONNECTIONSTRING and that this machine can reach the account.";
            return $"storage at {client.Uri} cannot be reached ({e.Message.Split('\n')[0]}).{local}";
        }
    }
}
