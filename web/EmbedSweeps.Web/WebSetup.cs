using EmbedSweeps.Client;
using EmbedSweeps.Web.Services;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;
using System.Threading.RateLimiting;
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

    /// <summary>
    /// The cluster options <paramref name="configuration"/> sets, or null and why the app cannot reach the cluster's storage (or its
    /// TLS settings are wrong), with how to fix it. No secret is in the message.
    /// </summary>
    public static async Task<(EmbedSweepsClusterOptions? Options, string? Problem)> BindClusterAsync(IConfiguration configuration)
    {
        try
        {
            var options = EmbedSweepsClusterOptions.Bind(configuration);
            return await StorageProbe.ProblemAsync(options) is { } problem ? (null, Secrets.Redact(problem)) : (options, null);
        }
        catch (SettingException e)
        {
            return (null, Secrets.Redact(e.Message));
        }
    }

    /// <summary>An Orleans client of the cluster on the configured storage (it waits, retrying, until a silo is up), and the audit trail on the same storage.</summary>
    public static void AddEmbedSweepsClusterClient(this WebApplicationBuilder builder, EmbedSweepsClusterOptions options)
    {
        builder.Services.AddSingleton(AuditTrail.For(options));
        builder.Services.AddSingleton<WebAudit>();
        builder.Services.AddScoped<ClientOrigin>();
        builder.UseOrleansClient(client => client.AddEmbedSweepsClient(options).UseConnectionRetryFilter(async (exception, cancellationToken) =>
        {
            // A gateway that answers but refuses us over TLS needs a certificate, not patience: say which.
            var tlsProblem = await GatewayProbe.ClusterTlsProblemAsync(options, cancellationToken);
            Console.Error.WriteLine(tlsProblem is null
                ? $"waiting for a silo of cluster '{options.ClusterId}' ({Secrets.Redact(exception.Message.Split('\n')[0])}); start one with `embedsweeps silo`."
                : $"cannot reach the cluster: {tlsProblem}");
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            return true;
        }));
    }

    public static void AddLeaderboardPages(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        // Messages at the bottom: at the top they cover the page's action buttons (cancel, retry) right after one was pressed.
        services.AddMudServices(c => c.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
        services.AddScoped<ClusterReader>();
        services.AddScoped<CircuitActivity>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(s => s.GetRequiredService<CircuitActivity>());
    }

    public static void AddAdminSignIn(this IServiceCollection services)
    {
        services.AddSingleton<AdminAccess>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SignInThrottle>();
        services.AddSignInRateLimits();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.LoginPath = "/account/signin";
            o.Cookie.Name = "embedsweeps.admin";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure whenever served over https (behind a proxy: X-Forwarded-Proto)
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
        });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
    }

    /// <summary>
    /// Behind a reverse proxy (Container Apps' ingress; <c>Web:BehindProxy=true</c>, env <c>EMBEDSWEEPS__WEB__BEHINDPROXY</c>):
    /// take the client's address and scheme from X-Forwarded-For/-Proto, so sign-in limits count per real client and the
    /// auth cookie is Secure over https. Off by default: a directly reachable app must not trust a header anyone can send.
    /// </summary>
    public static void UseProxyHeadersWhenBehindProxy(this WebApplication app)
    {
        if (!string.Equals(app.Configuration["Web:BehindProxy"], "true", StringComparison.OrdinalIgnoreCase)) return;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        options.KnownIPNetworks.Clear(); // the ingress's address is not known in advance; the app is reachable only through it
        options.KnownProxies.Clear();
        app.UseForwardedHeaders(options);
    }

    /// <summary>Sign-in attempts per client address and in all, per minute: past them, 429 with Retry-After, nothing evaluated.</summary>
    public const int SignInsPerAddress = 5, SignInsInAll = 20;

    /// <summary>
    /// ASP.NET Core's rate limiter on POST /account/signin only: <see cref="SignInsPerAddress"/> a minute per client
    /// address and <see cref="SignInsInAll"/> a minute in all (many addresses guessing at once), no queueing.
    /// </summary>
    public static void AddSignInRateLimits(this IServiceCollection services) => services.AddRateLimiter(options =>
    {
        static bool IsSignIn(HttpContext context) =>
            HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/account/signin", StringComparison.OrdinalIgnoreCase);
        static FixedWindowRateLimiterOptions PerMinute(int permits) => new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };
        options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(context => IsSignIn(context)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => PerMinute(SignInsPerAddress))
                : RateLimitPartition.GetNoLimiter("other")),
            PartitionedRateLimiter.Create<HttpContext, string>(context => IsSignIn(context)
                ? RateLimitPartition.GetFixedWindowLimiter("all", _ => PerMinute(SignInsInAll))
                : RateLimitPartition.GetNoLimiter("other")));
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = (context, _) =>
        {
            var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
            context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("EmbedSweeps.Web.SignIn")
                .LogWarning("Administrator sign-in refused for {Address}: too many attempts", context.HttpContext.Connection.RemoteIpAddress);
            return ValueTask.CompletedTask;
        };
    });

    /// <summary>POST /account/signout (antiforgery-checked); sign-in is the /account/signin page's form.</summary>
    public static void MapAdminSignOut(this WebApplication app) =>
        app.MapPost("/account/signout", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest("The form's antiforgery token is missing or invalid; reload the page.");
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/");
        });
}
