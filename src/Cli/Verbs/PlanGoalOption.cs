using System.CommandLine;
using LlamaJump.App;
using LlamaJump.Engine.Generation;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>--plan-goal cost|blocks</c> of generate and bench exit: what exit mode's plan minimises
/// (<see cref="ExitPlanGoal"/>).</summary>
internal static class PlanGoalOption
{
    public static Option<string> Create() => new("--plan-goal")
    {
        Description = "What --plan minimises for exit mode among candidate sets agreeing no worse than the paper's rule: cost (blocks plus the checks' cost, what decides wall time) or blocks (blocks run per token, the paper's measure; checks taken as free)",
        DefaultValueFactory = _ => "cost",
    };

    public static ExitPlanGoal Parse(string text) => text.ToLowerInvariant() switch
    {
        "cost" => ExitPlanGoal.Cost,
        "blocks" => ExitPlanGoal.Blocks,
        _ => throw new UserInputException($"--plan-goal must be cost or blocks (got '{text}')"),
    };
}
