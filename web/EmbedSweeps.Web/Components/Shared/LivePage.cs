using EmbedSweeps.Web.Services;
using Microsoft.AspNetCore.Components;

namespace EmbedSweeps.Web.Components.Shared;

/// <summary>
/// A page that refreshes itself while open: it reloads its data from the cluster every
/// <see cref="Period"/> and re-renders, so curves grow and statuses change without a reload.
/// </summary>
public abstract class LivePage : ComponentBase, IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();

    protected virtual TimeSpan Period => TimeSpan.FromSeconds(1);

    [Inject] private CircuitActivity Activity { get; set; } = default!;

    /// <summary>Set when the cluster could not be read (shown by the page; the next tick tries again).</summary>
    protected string? ReadError { get; private set; }

    protected abstract Task LoadAsync();

    protected override async Task OnParametersSetAsync() => await SafeLoadAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender) _ = RefreshLoopAsync();
    }

    private async Task RefreshLoopAsync()
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                if (!Activity.Connected) continue; // no browser attached (a closed or reloaded tab): nobody to show it to
                await InvokeAsync(async () =>
                {
                    await SafeLoadAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // the page was closed
        }
    }

    private async Task SafeLoadAsync()
    {
        try
        {
            await LoadAsync();
            ReadError = null;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException or Azure.RequestFailedException or HttpRequestException)
        {
            ReadError = $"The cluster could not be read ({EmbedSweeps.Client.Secrets.Redact(e.Message.Split('\n')[0])}); retrying.";
        }
    }

    public ValueTask DisposeAsync()
    {
        stop.Cancel();
        stop.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
