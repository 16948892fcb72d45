using EmbedSweeps.Embeddings.Training;

namespace EmbedSweeps.Embeddings.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void WarmsUpLinearlyThenDecaysToZero()
    {
        // transformers' get_linear_schedule_with_warmup(warmup=10, total=100), peak 1.
        Assert.Equal(0.0, LearningRateSchedule.At(0, 1.0, 10, 100));
        Assert.Equal(0.5, LearningRateSchedule.At(5, 1.0, 10, 100), 12);
        Assert.Equal(1.0, LearningRateSchedule.At(10, 1.0, 10, 100), 12);
        Assert.Equal(0.5, LearningRateSchedule.At(55, 1.0, 10, 100), 12);
        Assert.Equal(1.0 / 90, LearningRateSchedule.At(99, 1.0, 10, 100), 12);
        Assert.Equal(0.0, LearningRateSchedule.At(100, 1.0, 10, 100));
    }

    [Fact]
    public void WithoutWarmupTheFirstStepUsesThePeak()
    {
        Assert.Equal(2e-5, LearningRateSchedule.At(0, 2e-5, 0, 50), 15);
    }

    [Fact]
    public void WarmupRatioRoundsUp()
    {
        Assert.Equal(18, LearningRateSchedule.WarmupSteps(null, 0.1, 180));
        Assert.Equal(19, LearningRateSchedule.WarmupSteps(null, 0.1, 181));
        Assert.Equal(7, LearningRateSchedule.WarmupSteps(7, null, 181));
    }
}
