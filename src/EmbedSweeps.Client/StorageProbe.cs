using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;

namespace EmbedSweeps.Client;

/// <summary>Checks, before a silo starts, that the storage account answers — and says how to fix it when not.</summary>
public static class StorageProbe
{
    public static async Task<string?> ProblemAsync(EmbedSweepsClusterOptions storage, CancellationToken cancellationToken = default)
    {
        TableServiceClient client;
        try
        {
            var options = new TableClientOptions { Retry = { MaxRetries = 1, NetworkTimeout = TimeSpan.FromSeconds(5), Mode = RetryMode.Fixed, Delay = TimeSpan.FromMilliseconds(200) } };
            client = storage.Tables(options);
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
        catch (AuthenticationFailedException e)
        {
            return $"{storage.Describe()}: no managed identity or Azure sign-in could be used ({e.Message.Split('\n')[0]}); assign an identity with the Storage Table/Blob Data Contributor roles, or set EMBEDSWEEPS__STORAGE__CONNECTIONSTRING instead of EMBEDSWEEPS__STORAGE__ACCOUNTNAME.";
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException or OperationCanceledException)
        {
            var local = storage.AccountName is null && storage.ConnectionString.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
                ? " This is the local default (Azurite on 127.0.0.1:10000-10002): ./embedsweeps starts it when nothing listens, or run `npx azurite --location .embedsweeps/azurite` yourself."
                : $" Check {(storage.AccountName is null ? "EMBEDSWEEPS__STORAGE__CONNECTIONSTRING" : "EMBEDSWEEPS__STORAGE__ACCOUNTNAME and the identity's roles")} and that this machine can reach the account.";
            return $"storage at {client.Uri} cannot be reached ({e.Message.Split('\n')[0]}).{local}";
        }
    }
}
