using System.Globalization;

namespace EmbedSweeps.Web.Services;

/// <summary>How numbers and times read on every page: metrics to 4 places, gains signed, durations short.</summary>
public static class Format
{
    public static string Metric(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("F4", CultureInfo.InvariantCulture) : "—";

    /// <summary>The gain's 95% paired-bootstrap interval, for the noise mark's tooltip.</summary>
    public static string GainInterval((double Low, double High)? interval) => interval is { } i
        ? $"95% interval of the gain over the untrained model: [{i.Low.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture)}, {i.High.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture)}] contains 0: within noise"
        : "";

    public static string Gain(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture) : "—";

    public static string Duration(double? seconds) => seconds switch
    {
        null => "—",
        < 60 => $"{seconds:F0} s",
        < 3600 => $"{Math.Floor(seconds.Value / 60):F0} m {seconds % 60:F0} s",
        _ => $"{Math.Floor(seconds.Value / 3600):F0} h {Math.Floor(seconds.Value % 3600 / 60):F0} m",
    };

    /// <summary>A model's short name: the hub id's last part or the folder's name (the full name is the tooltip).</summary>
    public static string ModelName(string model) => Path.GetFileName(model.TrimEnd('/', '\\')) is { Length: > 0 } name ? name : model;

    public static string Time(DateTimeOffset? at) => at?.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "—";

    /// <summary>A column title from a metric name: stsb_validation_spearman_cosine → STS-B validation Spearman (cos).</summary>
    public static string MetricTitle(string metric) => metric switch
    {
        "stsb_validation_spearman_cosine" => "STS-B val ρ",
        "stsb_test_spearman_cosine" => "STS-B test ρ",
        "banking77_accuracy" => "Banking77 acc (MTEB 2.x)",
        "banking77_f1" => "Banking77 F1 (MTEB 2.x)",
        "banking77_f1_weighted" => "Banking77 F1 (w) (MTEB 2.x)",
        "banking77_mteb_v1_accuracy" => "Banking77 acc (MTEB 1.x)",
        "banking77_mteb_v1_f1" => "Banking77 F1 (MTEB 1.x)",
        "mnli_retrieval_cosine_ndcg_at_10" => "MNLI retrieval nDCG@10",
        "loss" => "training loss",
        "lr" => "learning rate",
        _ => metric.Replace('_', ' '),
    };

    /// <summary>Lower is better only for losses; every evaluation metric here is higher-is-better.</summary>
    public static bool HigherIsBetter(string metric) => !metric.Contains("loss", StringComparison.Ordinal);
}
