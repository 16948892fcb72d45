using EmbedSweeps.Web;
using EmbedSweeps.Web.Components;

// The leaderboard: a Blazor Web App (interactive server) reading the EmbedSweeps cluster as an Orleans client.
// Storage and TLS settings are checked first: a wrong one is one clear sentence and exit 2, not a host crash with a trace.
if (await WebSetup.ClusterProblemAsync() is { } problem)
{
    Console.Error.WriteLine($"error: {problem}");
    return 2;
}

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddEnvironmentVariables("EMBEDSWEEPS__");
builder.WebHost.UseLoopbackByDefault(port: 5080);

builder.AddEmbedSweepsClusterClient();
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
