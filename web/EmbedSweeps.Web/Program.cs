using EmbedSweeps.Web;
using EmbedSweeps.Web.Components;

// The leaderboard: a Blazor Web App (interactive server) reading the EmbedSweeps cluster as an Orleans client.
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
app.Run();
