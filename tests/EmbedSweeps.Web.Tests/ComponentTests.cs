using AngleSharp.Dom;
using Bunit;
using EmbedSweeps.Abstractions;
using EmbedSweeps.Web.Components.Shared;
using EmbedSweeps.Web.Services;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace EmbedSweeps.Web.Tests;

public sealed class ComponentTests : IAsyncLifetime
{
    private readonly BunitContext bunit = new();

    public ComponentTests()
    {
        bunit.Services.AddMudServices();
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are async-disposable only.
    public async Task DisposeAsync() => await bunit.DisposeAsync();

    private IRenderedComponent<T> Render<T>(Action<ComponentParameterCollectionBuilder<T>> parameters) where T : Microsoft.AspNetCore.Components.IComponent =>
        bunit.Render(parameters);

    private static readonly LeaderboardRow[] Board =
    [
        Rows.Baseline(0.50),
        Rows.Trial("t-a", 1, 0.86, "cosine", "5e-05", accuracy: 0.70),
        Rows.Trial("t-b", 2, 0.84, "cosent", "2e-05", accuracy: 0.75),
        Rows.Trial("t-c", 3, 0.80, "mnrl", "1e-04", accuracy: 0.72),
    ];

    private static List<string> Column(IRenderedComponent<LeaderboardGrid> grid, int index) =>
        grid.FindAll("tbody tr").Select(r => r.QuerySelectorAll("td")[index].TextContent.Trim()).ToList();

    private static int IndexOf(IRenderedComponent<LeaderboardGrid> grid, string title) =>
        grid.FindAll("thead th").Select(h => h.TextContent.Trim()).ToList().FindIndex(t => t.StartsWith(title, StringComparison.Ordinal));

    [Fact]
    public void TheBaselineIsPinnedFirstAndNumbersHaveFourPlaces()
    {
        var grid = Render<LeaderboardGrid>(p => p.Add(g => g.Rows, Board).Add(g => g.Sweep, "s").Add(g => g.Objective, "stsb_validation_spearman_cosine"));

        var trials = Column(grid, IndexOf(grid, "Trial"));
        Assert.Equal(["baseline-m", "t-a", "t-b", "t-c"], trials);
        Assert.Equal(["0.5000", "0.8600", "0.8400", "0.8000"], Column(grid, IndexOf(grid, "STS-B val")));
        Assert.Contains("baseline-row", grid.FindAll("tbody tr")[0].ClassName);
    }

    [Fact]
    public void EverySettingTheTrialsVaryIsAColumnInTheSweepsOrder()
    {
        // scale varies too (a grid listing a fixed few settings left it out); the loss is the same for all.
        var rows = Board.Select((r, i) => r.Baseline ? r : r with
        {
            Settings = new Dictionary<string, string>(r.Settings) { ["loss"] = "cosent", ["scale"] = $"{10 * i}", ["seed"] = "42" },
        }).ToArray();
        var grid = Render<LeaderboardGrid>(p => p.Add(g => g.Rows, rows).Add(g => g.Sweep, "s").Add(g => g.Objective, "stsb_validation_spearman_cosine")
            .Add(g => g.SettingOrder, ["base_model", "loss", "learning_rate", "seed", "scale"]));

        Assert.Equal(["base_model", "learning_rate", "scale"], grid.Instance.SettingColumns);
        Assert.True(IndexOf(grid, "LR") < IndexOf(grid, "Scale"));
        Assert.Equal(["", "10", "20", "30"], Column(grid, IndexOf(grid, "Scale")).Select(v => v == "—" ? "" : v));
    }

    [Fact]
    public void TheBestValueOfEachMetricColumnIsHighlighted()
    {
        var grid = Render<LeaderboardGrid>(p => p.Add(g => g.Rows, Board).Add(g => g.Sweep, "s").Add(g => g.Objective, "stsb_validation_spearman_cosine"));

        var best = grid.FindAll("td.best-cell").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(["0.8600", "0.7500"], best); // objective: t-a; accuracy: t-b — never the baseline
    }

    [Fact]
    public void SortingKeepsTheBaselineOnTopInBothDirections()
    {
        var ascending = LeaderboardView.Arrange(Board, "", (r => r.Objective, false));
        var descending = LeaderboardView.Arrange(Board, "", (r => r.Objective, true));

        Assert.Equal(["baseline-m", "t-c", "t-b", "t-a"], ascending.Select(r => r.TrialId));
        Assert.Equal(["baseline-m", "t-a", "t-b", "t-c"], descending.Select(r => r.TrialId));
    }

    [Fact]
    public void TheFilterMatchesSettingsAndKeepsTheBaseline()
    {
        var shown = LeaderboardView.Arrange(Board, "cosent", null);

        Assert.Equal(["baseline-m", "t-b"], shown.Select(r => r.TrialId));
    }

    [Fact]
    public void TheCompareTableShowsOnlyTheSettingsThatDiffer()
    {
        var trials = new[]
        {
            Rows.Snapshot("t-a", """{"base_model":"m","loss":"cosine","learning_rate":5e-05,"batch_size":16}"""),
            Rows.Snapshot("t-b", """{"base_model":"m","loss":"cosent","learning_rate":5e-05,"batch_size":16}"""),
        };
        var differences = SettingsDiff.Between(trials);
        var table = Render<SettingsDiffTable>(p => p.Add(t => t.Trials, ["t-a", "t-b"]).Add(t => t.Differences, differences));

        var rows = table.FindAll("[data-testid=settings-diff] tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent).ToList()).ToList();
        Assert.Equal([["loss", "cosine", "cosent"]], rows);
    }

    [Fact]
    public void IdenticalTrialsSayTheyHaveTheSameSettings()
    {
        var same = """{"loss":"cosine"}""";
        var table = Render<SettingsDiffTable>(p => p.Add(t => t.Trials, ["a", "b"]).Add(t => t.Differences, SettingsDiff.Between([Rows.Snapshot("a", same), Rows.Snapshot("b", same)])));

        Assert.NotNull(table.Find("[data-testid=settings-diff-empty]"));
    }

    [Fact]
    public void ACurveChartDrawsOneLinePerTrialOrderedByStep()
    {
        var trials = new[]
        {
            Rows.Snapshot("t-a", "{}", new MetricPoint(20, "loss", 0.5), new MetricPoint(10, "loss", 0.9), new MetricPoint(10, "stsb_validation_spearman_cosine", 0.8)),
            Rows.Snapshot("t-b", "{}", new MetricPoint(10, "loss", 1.1)),
        };
        var chart = Render<CurveChart>(p => p.Add(c => c.Metric, "loss").Add(c => c.Series, Curves.For(trials, "loss")));

        var lines = chart.Instance.Traces.Cast<Plotly.Blazor.Traces.Scatter>().ToList();
        Assert.Equal(["t-a", "t-b"], lines.Select(l => l.Name));
        Assert.Equal([10, 20], lines[0].X.Cast<int>());
        Assert.Equal([0.9, 0.5], lines[0].Y.Cast<double>());
        Assert.Equal("2", chart.Find("[data-testid=curve-chart]").GetAttribute("data-series"));
        Assert.Equal(["loss", "stsb_validation_spearman_cosine"], Curves.Metrics(trials));
    }

    [Fact]
    public void TheParallelCoordinatesHaveOneAxisPerParameterAndTheObjective()
    {
        var chart = Render<ParallelCoordinates>(p => p.Add(c => c.Rows, Board).Add(c => c.Objective, "stsb_validation_spearman_cosine"));

        var dimensions = chart.Instance.Dimensions;
        Assert.Equal(["learning_rate", "loss", "STS-B val ρ"], dimensions.Select(d => d.Label));
        Assert.Equal([5e-05, 2e-05, 1e-04], dimensions[0].Values.Cast<double>()); // numbers stay numbers
        Assert.Equal(["cosent", "cosine", "mnrl"], dimensions[1].TickText.Cast<string>()); // text becomes numbered ticks
        Assert.Equal([1, 0, 2], dimensions[1].Values.Cast<int>());
    }

    [Fact]
    public void AThousandTrialsShowOnePageAtATimeWithTheBaselineOnEveryPage()
    {
        var rows = new[] { Rows.Baseline(0.5) }.Concat(Enumerable.Range(1, 1000).Select(i => Rows.Trial($"t-{i}", i, 1.0 - i / 2000.0))).ToList();
        var arranged = LeaderboardView.Arrange(rows, "", null);

        var (first, total) = LeaderboardView.Page(arranged, 0, 50);
        var (last, _) = LeaderboardView.Page(arranged, 19, 50);

        Assert.Equal(1000, total);
        Assert.Equal(51, first.Count);
        Assert.True(first[0].Baseline);
        Assert.Equal("t-1", first[1].TrialId);
        Assert.True(last[0].Baseline);
        Assert.Equal("t-951", last[1].TrialId);
        Assert.Equal("t-1000", last[^1].TrialId);
    }

    [Fact]
    public void ParallelCoordinatesOfALargeSweepDrawItsBestTrialsAndSaySo()
    {
        var rows = Enumerable.Range(1, 300).Select(i => Rows.Trial($"t-{i}", i, 1.0 - i / 1000.0, rate: $"{i}e-06")).ToList();

        var chart = Render<ParallelCoordinates>(p => p.Add(c => c.Rows, rows).Add(c => c.Objective, "stsb_validation_spearman_cosine"));

        Assert.Contains($"The best {ParallelCoordinates.MaxLines} of 300 trials", chart.Find("[data-testid=parallel-coordinates-cap]").TextContent);
        var objective = chart.Instance.Dimensions[^1].Values!.Cast<double>().ToList();
        Assert.Equal(ParallelCoordinates.MaxLines, objective.Count);
        Assert.Equal(rows.Take(ParallelCoordinates.MaxLines).Select(r => r.Objective!.Value), objective);
    }

    [Fact]
    public void TheParetoFrontHoldsTheTrialsNoOtherBeatsOnEveryMetric()
    {
        // t-a is best on STS-B, t-b on accuracy; t-c is beaten by t-b on both; the baseline never takes part (the experiment marks the rows).
        var marked = Board.Select(r => r with { OnParetoFront = r.Baseline ? null : r.TrialId is "t-a" or "t-b" }).ToList();
        var scatter = Render<ParetoScatter>(p => p.Add(c => c.Rows, marked).Add(c => c.Metrics, ["stsb_validation_spearman_cosine", "banking77_accuracy"]));

        Assert.Equal("t-a,t-b", scatter.Find("[data-testid=pareto-scatter]").GetAttribute("data-front"));
    }

    [Fact]
    public void TheImportancePanelShowsEachShareMostImportantFirstAndWhyItMayMislead()
    {
        var report = new ParameterImportanceReport("PED-ANOVA (Watanabe et al., IJCAI 2023), as Optuna's PedAnovaImportanceEvaluator", 0.1, 8, 1,
            [new ParameterShare("learning_rate", 0.75), new ParameterShare("loss", 0.25)], ["only 1 trial(s) in the top 10% of 8: …"]);

        var panel = Render<ImportancePanel>(p => p.Add(c => c.Report, report));

        var rows = panel.FindAll("[data-testid=importance-row]");
        Assert.Equal(["learning_rate", "loss"], rows.Select(r => r.GetAttribute("data-parameter")));
        Assert.Contains("75.0%", rows[0].TextContent);
        Assert.Contains("top 10% of succeeded trials (1 of 8)", panel.Markup);
        Assert.Contains("only 1 trial(s) in the top 10% of 8", panel.Markup);
    }
}
