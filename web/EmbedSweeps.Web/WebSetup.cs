using EmbedSweeps.Silo;
using EmbedSweeps.Web.Services;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using MudBlazor.Services;

namespace EmbedSweeps.Web;

/// <summary>The web app's wiring, one method per concern, so Program.cs reads as a table of contents.</summary>
public static class WebSetup
{
    /// <summary>http://127.0.0.1:PORT unless --urls / ASPNETCORE_URLS says otherwise: nothing is exposed by accident.</summary>
    public static void UseLoopbackByDefault(this IWebHostBuilder web, int port)
    {
        if (string.IsNullOrEmpty(web.GetSetting(WebHostDefaults.ServerUrlsKey))) web.UseUrls($"http://127.0.0.1:{port}");
    }

    /// <summary>An Orleans client of the cluster on the configured storage; it waits (retrying) until a silo is up.</summary>
    public static void AddEmbedSweepsClusterClient(this WebApplicationBuilder builder)
    {
        var options = EmbedSweepsClusterOptions.FromEnvironment();
        builder.UseOrleansClient(client => client.AddEmbedSweepsClient(options).UseConnectionRetryFilter(async (exception, cancellationToken) =>
        {
            Console.Error.WriteLine($"waiting for a silo of cluster '{options.ClusterId}' ({exception.Message.Split('\n')[0]}); start one with `embedsweeps silo`.");
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            return true;
        }));
    }

    public static void AddLeaderboardPages(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddScoped<ClusterReader>();
    }

    public static void AddAdminSignIn(this IServiceCollection services)
    {
        services.AddSingleton<AdminAccess>();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.LoginPath = "/account/signin";
            o.Cookie.Name = "embedsweeps.admin";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
        });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
    }

    /// <summary>POST /account/signout (antiforgery-checked); sign-in is the /account/signin page's form.</summary>
    public static void MapAdminSignOut(this WebApplication app) =>
        app.MapPost("/account/signout", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest("The form's antiforgery token is missing or invalid; reload the page.");
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/");
        });
}
