using EmbedSweeps.Abstractions;
using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Grains.Tests;

public sealed class NamesTests
{
    public static TheoryData<string> Candidates => new()
    {
        "quickstart", "nli-cpu", "a", "0-start", new string('a', 63), new string('a', 64), "-lead", "Upper", "has space", "naïve", "a/b", "", "a_b", "a.b",
    };

    [Theory]
    [MemberData(nameof(Candidates))]
    public void ASweepNameIsWhatTheSweepFileMayCallItself(string name) =>
        Assert.Equal(SweepParser.IsValidName(name), SweepName.IsValid(name));

    [Theory]
    [InlineData("nli-cpu/t-aba06f166627550b", "nli-cpu", "t-aba06f166627550b")]
    [InlineData("q/baseline-all-minilm-l6-v2", "q", "baseline-all-minilm-l6-v2")]
    public void ATrialKeyParsesAndWritesBackTheSame(string text, string sweep, string trialId)
    {
        var key = TrialKey.Parse(text);

        Assert.Equal(sweep, key.Sweep.Value);
        Assert.Equal(trialId, key.TrialId);
        Assert.Equal(text, key.ToString());
        Assert.Equal(key, TrialKey.Of(sweep, trialId));
    }

    [Theory]
    [InlineData("s/t/extra")]
    [InlineData("../x/t")]
    [InlineData("s/")]
    [InlineData("s")]
    [InlineData("S/t")]
    public void AnythingElseIsNotATrialKey(string text)
    {
        Assert.False(TrialKey.TryParse(text, out _));
        Assert.Throws<ArgumentException>(() => TrialKey.Parse(text));
    }
}
