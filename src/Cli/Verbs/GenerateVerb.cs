using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.App.Generate;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Models;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump generate --model M [--jumps J] --mode full|exit|spec [--lambda 0.9] [--exit-layer K]
/// --prompt TEXT [--max-tokens N] [--json] [--compare]</c>: text from the model at full depth, with the paper's
/// lossy early exit, or with lossless self-speculative decoding. stdout: the text, or the JSON object of
/// <see cref="GenerateJson"/>; stderr: a summary line.</summary>
public static class GenerateVerb
{
    public static Command Create(JobContext context)
    {
        var model = new Option<string>("--model") { Description = "Model: a path, or a name in the model directories", DefaultValueFactory = _ => ModelResolver.DefaultModelName };
        var jumps = new Option<string?>("--jumps") { Description = "Jump file (default: <model>.jumps.gguf beside the model, else the cache entry llamajump train keeps)" };
        var mode = new Option<string>("--mode") { Description = "full | exit (lossy early exit at λ) | spec (lossless self-speculative)", DefaultValueFactory = _ => "full" };
        var lambda = new Option<float>("--lambda") { Description = "Exit when the jumped prediction's top probability reaches λ, in [0, 1]; above 1 = never", DefaultValueFactory = _ => 0.9f };
        var exitLayer = new Option<int?>("--exit-layer") { Description = "exit: always stop after this block; spec: draft through this block (default: planned, see --plan)" };
        var levels = new Option<string?>("--levels") { Description = "Candidate exit blocks: a list (6,8,12) or FIRST:STRIDE (default: the guarded default, candidates from the middle block whose checks cost at most 10 % when nothing exits; or planned, see --plan)" };
        var fill = new Option<string>("--fill") { Description = "K/V of skipped blocks: propagate (from the exit state; where the backend has no propagation for the model, recompute is used and said) | recompute (at full depth with the next token)", DefaultValueFactory = _ => "propagate" };
        var draftLength = new Option<int?>("--draft-length") { Description = "spec: tokens drafted per cycle (default: planned, see --plan)" };
        var draftThreshold = new Option<float?>("--draft-threshold") { Description = "spec: draft while the jump's top probability is at least this, stop at the first unsure draft, and back off to full steps after cycles with no draft accepted; 0 = always draft --draft-length tokens (default: planned with --plan, else 0.5)" };
        var plan = new Option<string?>("--plan") { Description = "results.json of llamajump eval: exit plans its candidate blocks at --lambda from the exit samples beside it (cheapest with agreement no worse than the paper's rule); spec chooses the draft block and length (default: the middle block, 4 drafts)" };
        var prompt = new Option<string>("--prompt") { Description = "Text to continue", Required = true };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Tokens to generate at most", DefaultValueFactory = _ => 64 };
        var json = new Option<bool>("--json") { Description = "Print the llamajump.generate/1 JSON object instead of the text" };
        var compare = new Option<bool>("--compare") { Description = "Also run the full model greedily and report agreement and speed-up" };
        var temperature = new Option<float>("--temperature") { Description = "0 = greedy (default); above 0 samples", DefaultValueFactory = _ => 0f };
        var topK = new Option<int>("--top-k") { DefaultValueFactory = _ => 40 };
        var topP = new Option<float>("--top-p") { DefaultValueFactory = _ => 0.95f };
        var repeatPenalty = new Option<float>("--repeat-penalty") { DefaultValueFactory = _ => 1f };
        var seed = new Option<uint>("--seed") { DefaultValueFactory = _ => 42u };
        var planGoal = PlanGoalOption.Create();
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: the cores this process may use, one per token for a small model; see doctor)" };
        var command = new Command("generate", "Generate text at full depth, with early exit (λ) or self-speculatively, showing each token's exit block")
        {
            model, jumps, mode, lambda, exitLayer, levels, fill, draftLength, draftThreshold, plan, planGoal, prompt, maxTokens, json, compare,
            temperature, topK, topP, repeatPenalty, seed, threads,
        };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            float l = parse.GetValue(lambda);
            if (!ExitPolicy.IsValidLambda(l))
                throw new UserInputException($"--lambda must be in [0, 1] (above 1 means never exit), got {l.ToString(CultureInfo.InvariantCulture)}");
            int max = parse.GetValue(maxTokens);
            if (max <= 0)
                throw new UserInputException($"--max-tokens must be positive (got {max})");
            if (parse.GetValue(draftLength) is { } d && (d < 1 || d > 64))
                throw new UserInputException($"--draft-length must be in 1..64 (got {d})");
            float? tau = parse.GetValue(draftThreshold);
            if (tau is { } given && !(given >= 0 && given <= 1))
                throw new UserInputException($"--draft-threshold must be in [0, 1] (got {given.ToString(CultureInfo.InvariantCulture)})");
            float t = parse.GetValue(temperature);
            if (!(t >= 0))
                throw new UserInputException("--temperature must be 0 or positive");
            var options = new GenerateOptions(
                parse.GetValue(model)!, parse.GetValue(jumps), ParseMode(parse.GetValue(mode)!), l, parse.GetValue(exitLayer),
                parse.GetValue(levels), ParseFill(parse.GetValue(fill)!), parse.GetValue(draftLength), parse.GetValue(plan),
                parse.GetValue(prompt)!, max, parse.GetValue(json), parse.GetValue(compare),
                new SamplingOptions(t, parse.GetValue(topK), parse.GetValue(topP), parse.GetValue(repeatPenalty), parse.GetValue(seed)),
                parse.GetValue(threads) is { } n ? (n > 0 ? n : throw new UserInputException($"--threads must be positive (got {n})")) : null,
                tau, PlanGoalOption.Parse(parse.GetValue(planGoal)!));
            using var interruption = new Interruption(context.Error);
            var result = new GenerateJob(options).Execute(context, interruption.Token);
            if (options.Json)
                context.Out.Write(GenerateJson.Write(result));
            else
                context.Out.WriteLine(result.Text);
            context.Error.WriteLine(Summary(result));
            return interruption.Token.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
        }));
        return command;
    }

    private static GenerationMode ParseMode(string text) => text.ToLowerInvariant() switch
    {
        "full" => GenerationMode.Full,
        "exit" => GenerationMode.Exit,
        "spec" => GenerationMode.Spec,
        _ => throw new UserInputException($"--mode must be full, exit or spec (got '{text}')"),
    };

    private static KvFill ParseFill(string text) => text.ToLowerInvariant() switch
    {
        "propagate" => KvFill.Propagate,
        "recompute" => KvFill.Recompute,
        _ => throw new UserInputException($"--fill must be propagate or recompute (got '{text}')"),
    };

    private static string Summary(GenerateResult r)
    {
        var s = r.Stats;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"generate: {s.Tokens} tokens, {s.BlocksPerToken:0.00} of {r.Model.BlockCount} blocks per token, {s.TokensPerSecond:0.0} tokens/s");
        if (s.AcceptanceRate is { } rate)
            line += string.Create(CultureInfo.InvariantCulture, $", acceptance {rate:P1} (draft block {r.DraftBlock}, {r.Settings.DraftLength} drafts)");
        if (r.Compare is { } c)
            line += string.Create(CultureInfo.InvariantCulture, $"; agreement with full {c.Agreement:P1} (sequence {c.SequenceAgreement:P1}), speed-up {c.Speedup:0.00}×");
        return line;
    }
}
