using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace EmbedSweeps.Web.Tests;

/// <summary>
/// The leaderboard in a real browser (Debian's Chromium driven by Playwright) against a real cluster:
/// Azurite, a silo process training a seeded 2×2 sweep of a tiny model, and the web app. One story,
/// in order, with a screenshot of every page under TestResults/screenshots.
/// </summary>
[Trait("Tier", "Browser")] // starts processes or Azurite: not in ./test.sh --fast
[Collection(ClusterCollection.Name)]
public sealed class BrowserTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly string Screenshots = Path.Combine(TestPaths.RepositoryRoot, "tests", "EmbedSweeps.Web.Tests", "TestResults", "screenshots");
    private const string Objective = "STS-B val ρ";

    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }

    private static async Task<List<string>> ColumnAsync(IPage page, string title)
    {
        var headers = await page.Locator("[data-testid=leaderboard] thead th").AllInnerTextsAsync();
        var index = headers.Select(h => h.Trim()).ToList().FindIndex(h => h.StartsWith(title, StringComparison.Ordinal));
        Assert.True(index >= 0, $"no column {title} in {string.Join(" | ", headers)}");
        var rows = page.Locator("[data-testid=leaderboard] tbody tr");
        var values = new List<string>();
        for (var i = 0; i < await rows.CountAsync(); i++) values.Add((await rows.Nth(i).Locator("td").Nth(index).InnerTextAsync()).Trim());
        return values;
    }

    [Fact]
    public async Task BrowseSortCompareWatchAndPromoteInARealBrowser()
    {
        using var environment = new ClusterEnvironment(azurite);
        using var silo = new SiloProcess(environment, "all", slots: 1);
        using var web = new WebAppProcess(environment);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        page.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(30_000); // a loaded CI machine renders slowly
        await Chromium.WithProcessLogsAsync(() => StoryAsync(environment, page, web), ("silo", () => silo.Log), ("web app", () => web.Log));
    }

    private static async Task StoryAsync(ClusterEnvironment environment, IPage page, WebAppProcess web)
    {
        // A new user sees how to start.
        await page.GotoAsync(web.Url);
        await Assertions.Expect(page.GetByTestId("empty-state")).ToContainTextAsync("sweep run");
        await ShotAsync(page, "01-experiments-empty");

        Chromium.Seed(environment, TinySweeps.Write(TestPaths.NewTemporaryDirectory(), "web-e2e", maxSamples: 64, maxSteps: 12, concurrent: 1,
            report: "pareto: [stsb_validation_spearman_cosine, stsb_validation_spearman_dot]"));

        // The experiments page shows the sweep without a reload.
        await Assertions.Expect(page.GetByTestId("experiments")).ToContainTextAsync("web-e2e");
        await page.GetByRole(AriaRole.Link, new() { Name = "web-e2e" }).First.ClickAsync();

        // Watch a trial that has not run yet: its status changes on the open page, no reload.
        var pendingRow = page.Locator("[data-testid=leaderboard] tbody tr").Filter(new() { HasText = "pending" }).Last;
        var trialLink = pendingRow.Locator("a").First;
        var watched = (await trialLink.InnerTextAsync()).Trim();
        await trialLink.ClickAsync();
        await Assertions.Expect(page.GetByTestId("trial-status")).Not.ToContainTextAsync("succeeded");
        await Assertions.Expect(page.GetByTestId("trial-status")).ToContainTextAsync("succeeded", new() { Timeout = 180_000 });
        await Assertions.Expect(page.GetByTestId("final-metrics")).ToContainTextAsync("stsb_validation_spearman_cosine");
        await ShotAsync(page, "02-trial");

        // The leaderboard, once the sweep completed: sorted by the objective, re-sorted by a click.
        await page.GotoAsync($"{web.Url}/sweeps/web-e2e");
        await Assertions.Expect(page.Locator("[data-testid=status]").First).ToContainTextAsync("completed", new() { Timeout = 180_000 });
        await Assertions.Expect(page.Locator("[data-testid=leaderboard] tbody tr")).ToHaveCountAsync(5);
        // The sweep's report.pareto: the front of its two metrics, plotted, never empty once trials succeeded.
        await Assertions.Expect(page.GetByTestId("pareto-scatter")).ToBeVisibleAsync();
        var front = (await page.GetByTestId("pareto-scatter").GetAttributeAsync("data-front"))!.Split(',', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(front);
        Assert.All(front, id => Assert.StartsWith("t-", id));
        await ShotAsync(page, "03-leaderboard");
        var ranked = (await ColumnAsync(page, Objective)).Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ranked.OrderDescending(), ranked);
        Assert.Equal("base", (await ColumnAsync(page, "#"))[0]);

        var header = page.Locator("[data-testid=leaderboard] thead th").Filter(new() { HasText = Objective }).Locator(".sortable-column-header").First;
        await header.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=leaderboard] thead th").Filter(new() { HasText = Objective }).Locator(".sort-direction-icon")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-direction-asc"));
        List<double> ascending = [];
        for (var attempt = 0; attempt < 20; attempt++)
        {
            ascending = (await ColumnAsync(page, Objective)).Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
            if (ascending.SequenceEqual(ascending.Order())) break;
            await page.WaitForTimeoutAsync(250);
        }
        Assert.Equal(ascending.Order(), ascending);
        Assert.Equal("base", (await ColumnAsync(page, "#"))[0]); // the baseline stays pinned

        // Compare two trials: the table lists only the settings that differ.
        var trials = (await ColumnAsync(page, "Trial")).Skip(1).ToList();
        foreach (var trial in trials.Take(2))
            await page.Locator($"[data-testid=select-{trial}] input, input[data-testid=select-{trial}]").First.CheckAsync();
        await page.GetByTestId("compare").ClickAsync();
        var differences = page.Locator("[data-testid=settings-diff] tbody tr");
        await Assertions.Expect(differences.First).ToBeVisibleAsync();
        foreach (var row in await differences.AllAsync())
        {
            var cells = (await row.Locator("td").AllInnerTextsAsync()).Select(c => c.Trim()).ToList();
            Assert.Contains(cells[0], new[] { "loss", "learning_rate" });
            Assert.NotEqual(cells[1], cells[2]);
        }
        await Assertions.Expect(page.GetByTestId("parallel-coordinates")).ToBeVisibleAsync();
        await ShotAsync(page, "04-compare");

        // Promotion without signing in is refused, and nothing is promoted.
        await page.GotoAsync($"{web.Url}/sweeps/web-e2e/trials/{trials[^1]}");
        await page.GetByTestId("promote").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Sign in as the administrator");
        await page.GotoAsync($"{web.Url}/models");
        await Assertions.Expect(page.GetByTestId("history")).ToContainTextAsync("Nothing promoted yet");

        // The audit trail is the administrator's: others are told to sign in.
        await page.GotoAsync($"{web.Url}/audit");
        await Assertions.Expect(page.GetByTestId("audit-refused")).ToContainTextAsync("Sign in as the administrator to see the audit trail");

        // A wrong password is refused; the right one signs in; then promotion works and is recorded.
        await page.GotoAsync($"{web.Url}/account/signin");
        await page.FillAsync("#user", "admin");
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.GetByTestId("signin-error")).ToBeVisibleAsync();
        await page.FillAsync("#user", "admin");
        await page.FillAsync("#password", WebAppProcess.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.GetByTestId("signed-in")).ToContainTextAsync("admin");

        await page.GotoAsync($"{web.Url}/sweeps/web-e2e/trials/{trials[^1]}");
        await page.GetByTestId("promote").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Promoted");
        await page.GotoAsync($"{web.Url}/models");
        await Assertions.Expect(page.GetByTestId("alias-champion")).ToContainTextAsync(trials[^1]);
        await Assertions.Expect(page.GetByTestId("history")).ToContainTextAsync("admin (web)");
        await ShotAsync(page, "05-models");

        // Each attempt is in the audit trail, newest first: who, from where, what, and how it ended.
        await page.GetByTestId("nav-audit").ClickAsync();
        var audit = page.Locator("[data-testid=audit] tbody tr");
        await Assertions.Expect(audit).ToHaveCountAsync(5);
        string[][] expected =
        [
            ["web", "admin", "127.0.0.1", "promote", $"web-e2e/{trials[^1]} → champion", "succeeded"],
            ["web", "admin", "127.0.0.1", "sign-in", "administrator", "succeeded"],
            ["web", "admin", "127.0.0.1", "sign-in", "administrator", "failed: wrong user name or password"],
            ["web", "anonymous", "127.0.0.1", "promote", $"web-e2e/{trials[^1]} → champion", "refused: Sign in as the administrator to promote a model."],
            ["cli", Environment.UserName, Environment.MachineName, "submit", "web-e2e", "succeeded"], // the test's seeding `sweep run`
        ];
        for (var i = 0; i < expected.Length; i++)
        {
            var cells = (await audit.Nth(i).Locator("td").AllInnerTextsAsync()).Select(c => c.Trim()).ToList();
            Assert.Equal(expected[i], cells.Skip(1).ToList());
        }
        Assert.DoesNotContain("not-the-password", await page.ContentAsync());

        // The administrator cancels a running sweep and retries its cancelled trials from its page; both are audited.
        Chromium.Seed(environment, TinySweeps.Write(TestPaths.NewTemporaryDirectory(), "web-retry", maxSamples: 64, maxSteps: 400, concurrent: 1));
        await page.GotoAsync($"{web.Url}/sweeps/web-retry");
        await Assertions.Expect(page.GetByTestId("retry")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel sweep" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=status]").First).ToContainTextAsync("cancelled");
        await page.GetByTestId("retry").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Retrying" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=status]").First).ToContainTextAsync("running");
        await page.GotoAsync($"{web.Url}/audit");
        await Assertions.Expect(audit.Nth(0)).ToContainTextAsync("retry");
        Assert.Equal(["web", "admin", "127.0.0.1", "retry", "web-retry", "succeeded"], (await audit.Nth(0).Locator("td").AllInnerTextsAsync()).Skip(1).Select(c => c.Trim()));
        Assert.Equal(["web", "admin", "127.0.0.1", "cancel", "web-retry", "succeeded"], (await audit.Nth(1).Locator("td").AllInnerTextsAsync()).Skip(1).Select(c => c.Trim()));
        await page.GotoAsync($"{web.Url}/sweeps/web-retry");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel sweep" }).ClickAsync(); // not left training while the story goes on
        Assert.DoesNotContain("not-the-password", web.Log);
        Assert.DoesNotContain(WebAppProcess.AdminPassword, web.Log);
        await ShotAsync(page, "08-audit");

        // Readable on a phone.
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"{web.Url}/sweeps/web-e2e");
        await Assertions.Expect(page.Locator("[data-testid=leaderboard]")).ToBeVisibleAsync();
        await ShotAsync(page, "06-leaderboard-phone");
        await page.GotoAsync(web.Url);
        await ShotAsync(page, "07-experiments");
    }
}
