using EmbedSweeps.Web;
using EmbedSweeps.Web.Components;

// The leaderboard: a Blazor Web App (interactive server) reading the EmbedSweeps cluster as an Orleans client.
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddEnvironmentVariables(EmbedSweeps.Client.EmbedSweepsConfiguration.Prefix);
builder.WebHost.UseLoopbackByDefault(port: 5080);

// Storage and TLS settings are bound once and checked first: a wrong one is one clear sentence and exit 2, not a host crash with a trace.
var (cluster, problem) = await WebSetup.BindClusterAsync(builder.Configuration);
if (cluster is null)
{
    Console.Error.WriteLine($"error: {problem}");
    return 2;
}
builder.AddEmbedSweepsClusterClient(cluster);
builder.Services.AddLeaderboardPages();
builder.Services.AddAdminSignIn();

var app = builder.Build();
app.UseProxyHeadersWhenBehindProxy();
// Development shows exceptions; production a plain error page (and HSTS is the reverse proxy's job: the app binds to loopback).
if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseRateLimiter();
app.UseAntiforgery();
app.UseAuthentication();
app.UseAuthorization();
app.MapStaticAssets();
app.MapAdminSignOut();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
await app.RunAsync();
return 0;
