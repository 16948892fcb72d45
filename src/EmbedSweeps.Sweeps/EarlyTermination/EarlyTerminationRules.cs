using EmbedSweeps.Sweeps.Definition;

namespace EmbedSweeps.Sweeps.EarlyTermination;

public static class EarlyTerminationRules
{
    public static IEarlyTerminationRule For(SweepDefinition sweep) => sweep.EarlyTermination.Type switch
    {
        "median_stopping" => new MedianStoppingRule(sweep.Objective, sweep.EarlyTermination.MinSteps, sweep.EarlyTermination.MinTrials),
        "successive_halving" => new SuccessiveHalvingRule(sweep.Objective, sweep.EarlyTermination.MinSteps, sweep.EarlyTermination.ReductionFactor),
        _ => new NoEarlyTermination(),
    };
}
