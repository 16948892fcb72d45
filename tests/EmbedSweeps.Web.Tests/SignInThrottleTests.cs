using System.Net;
using System.Text.RegularExpressions;
using EmbedSweeps.Web.Services;
using Microsoft.Extensions.Time.Testing;

namespace EmbedSweeps.Web.Tests;

/// <summary>
/// Password guessing is slowed per address, in all, and per account: 40 guesses sent at once get a handful evaluated
/// and the rest 429 with Retry-After; repeated failures lock the account for a growing time, the right password too.
/// </summary>
[Trait("Tier", "Cluster")] // starts processes or Azurite: not in ./test.sh --fast
[Collection(ClusterCollection.Name)]
public sealed partial class SignInThrottleTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static async Task<(bool, TimeSpan)> Attempt(SignInThrottle throttle, FakeTimeProvider time, bool right, Action? evaluated = null)
    {
        var attempt = throttle.AttemptAsync(() => { evaluated?.Invoke(); return right; }, CancellationToken.None);
        while (!attempt.IsCompleted) { time.Advance(TimeSpan.FromMilliseconds(250)); await Task.Yield(); }
        return await attempt;
    }

    [Fact]
    public async Task RepeatedFailuresLockTheAccountForAGrowingTime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T00:00:00Z"));
        var throttle = new SignInThrottle(time);
        for (var i = 1; i < SignInThrottle.FreeFailures; i++) Assert.Equal((false, TimeSpan.Zero), await Attempt(throttle, time, right: false));
        var (_, locked) = await Attempt(throttle, time, right: false);
        Assert.InRange(locked.TotalSeconds, 28, 30);

        // While locked, not even the right password is evaluated.
        var evaluated = 0;
        var (succeeded, _) = await Attempt(throttle, time, right: true, () => evaluated++);
        Assert.False(succeeded);
        Assert.Equal(0, evaluated);

        time.Advance(TimeSpan.FromSeconds(31));
        var (_, longer) = await Attempt(throttle, time, right: false);
        Assert.InRange(longer.TotalSeconds, 58, 60); // doubled

        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal((true, TimeSpan.Zero), await Attempt(throttle, time, right: true));
        Assert.Equal(0, throttle.Failures); // a success resets the count
    }

    [Fact]
    public async Task FortyParallelGuessesGetAHandfulEvaluated()
    {
        using var environment = new ClusterEnvironment(azurite);
        using var silo = new SiloProcess(environment, "web", slots: 0); // the web app starts once it reaches a silo
        using var app = new WebAppProcess(environment);
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies });
        var page = await http.GetStringAsync($"{app.Url}/account/signin");
        var token = TokenPattern().Match(page).Groups[1].Value;
        Assert.NotEmpty(token);

        var guesses = Enumerable.Range(0, 40).Select(i => http.PostAsync($"{app.Url}/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["__RequestVerificationToken"] = token, ["Input.User"] = "admin", ["Input.Password"] = $"guess-number-{i}",
        })));
        var responses = await Task.WhenAll(guesses);
        var evaluated = 0;
        foreach (var response in responses)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.TooManyRequests) Assert.NotNull(response.Headers.RetryAfter);
            else if (body.Contains("signin-error")) evaluated++;
            else Assert.Fail($"unexpected {(int)response.StatusCode}: {body[..Math.Min(300, body.Length)]}");
        }
        Assert.InRange(evaluated, 1, WebSetup.SignInsPerAddress);
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests) >= 35);

        // The right password now: refused without being evaluated (the address's window is spent).
        var right = await http.PostAsync($"{app.Url}/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["__RequestVerificationToken"] = token, ["Input.User"] = "admin", ["Input.Password"] = WebAppProcess.AdminPassword,
        }));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.DoesNotContain(right.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("embedsweeps.admin", StringComparison.Ordinal)));

        // Each failure is logged, without what was typed.
        Assert.Contains("Administrator sign-in failed from", app.Log);
        Assert.DoesNotContain("guess-number-", app.Log);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
