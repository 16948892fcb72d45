using System.Net;
using Microsoft.Playwright;

namespace EmbedSweeps.Web.Tests;

/// <summary>
/// The web app against a three-silo cluster (a web silo and two trainers, separate processes): reading
/// works, and every change without the administrator is refused — in the page and at the HTTP level.
/// </summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
[Collection(ClusterCollection.Name)]
public sealed class ThreeSiloSecurityTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task UnauthenticatedChangesAreRefusedOnAThreeSiloCluster()
    {
        using var environment = new ClusterEnvironment(azurite);
        using var web = new SiloProcess(environment, "web", slots: 0);
        using var trainerA = new SiloProcess(environment, "trainer", slots: 1);
        using var trainerB = new SiloProcess(environment, "trainer", slots: 1);
        using var app = new WebAppProcess(environment);
        Chromium.Seed(environment, TinySweeps.Write(TestPaths.NewTemporaryDirectory(), "secure-e2e", maxSamples: 64, maxSteps: 200, concurrent: 2));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(60_000);
        await Chromium.WithProcessLogsAsync(() => StoryAsync(page, app), ("web silo", () => web.Log), ("trainer A", () => trainerA.Log),
            ("trainer B", () => trainerB.Log), ("web app", () => app.Log));
    }

    private static async Task StoryAsync(IPage page, WebAppProcess app)
    {
        // Cancelling the running sweep without signing in: refused, and it keeps running.
        await page.GotoAsync($"{app.Url}/sweeps/secure-e2e");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel sweep" }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Sign in as the administrator to cancel a sweep" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=status]").First).ToContainTextAsync("running");

        // Promoting without signing in: refused, nothing promoted.
        var trial = page.Locator("[data-testid=leaderboard] tbody tr").Filter(new() { HasText = "succeeded" }).Locator("a").First;
        await trial.ClickAsync();
        await page.GetByTestId("promote").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Sign in as the administrator to promote a model" })).ToBeVisibleAsync();
        await page.GotoAsync($"{app.Url}/models");
        await Assertions.Expect(page.GetByTestId("history")).ToContainTextAsync("Nothing promoted yet");

        // Forms posted without their antiforgery token are rejected by the server.
        using var http = new HttpClient();
        var signOut = await http.PostAsync($"{app.Url}/account/signout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        var signIn = await http.PostAsync($"{app.Url}/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["Input.User"] = "admin", ["Input.Password"] = WebAppProcess.AdminPassword,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.DoesNotContain(signIn.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("embedsweeps.admin", StringComparison.Ordinal)));
    }
}
