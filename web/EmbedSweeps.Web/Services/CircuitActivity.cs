using Microsoft.AspNetCore.Components.Server.Circuits;

namespace EmbedSweeps.Web.Services;

/// <summary>
/// Whether this page's circuit has a browser attached. Blazor keeps a circuit for minutes after its tab closed or
/// reloaded (in case the browser comes back); live pages stop reading the cluster meanwhile, so a reloaded
/// leaderboard of a thousand trials does not go on being read and ranked every second by nobody.
/// </summary>
public sealed class CircuitActivity : CircuitHandler
{
    private volatile bool connected = true;

    public bool Connected => connected;

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        connected = true;
        return Task.CompletedTask;
    }

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        connected = false;
        return Task.CompletedTask;
    }
}
