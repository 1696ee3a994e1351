using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.App.Bench;
using LlamaJump.Models;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump bench conversation</c>: time to first token per turn of a chat conversation, the whole
/// conversation decoded again vs only its new tokens, side by side in one run (see <see cref="ConversationBenchmark"/>).
/// stdout: the table and the last turn's ratio; stderr: progress.</summary>
public static class BenchConversationCommand
{
    public static Command Create(JobContext context)
    {
        var model = new Option<string>("--model") { Description = "Model (path or name)", DefaultValueFactory = _ => ModelResolver.DefaultModelName };
        var turns = new Option<int>("--turns") { Description = "Turns per conversation", DefaultValueFactory = _ => 5 };
        var tokens = new Option<int>("--tokens") { Description = "Tokens per reply", DefaultValueFactory = _ => 48 };
        var repeats = new Option<int>("--repeats") { Description = "Conversations per side (alternating)", DefaultValueFactory = _ => 3 };
        var contextTokens = new Option<int>("--context") { Description = "Context size in tokens (the chat's default)", DefaultValueFactory = _ => 1024 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: planned from the cores this process may use)" };
        var command = new Command("conversation", "Time to first token per chat turn: the conversation decoded again vs its K/V kept")
        {
            model, turns, tokens, repeats, contextTokens, threads,
        };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            var options = new ConversationBenchOptions(parse.GetValue(model)!, parse.GetValue(turns), parse.GetValue(tokens),
                parse.GetValue(repeats), parse.GetValue(contextTokens), parse.GetValue(threads));
            if (options.Turns < 1 || options.Tokens < 1 || options.Repeats < 1 || options.ContextTokens < 16)
                throw new UserInputException("--turns, --tokens and --repeats must be positive, --context at least 16");
            if (options.Threads is < 1)
                throw new UserInputException($"--threads must be positive (got {options.Threads})");
            using var interruption = new Interruption(context.Error);
            var result = new ConversationBenchmark(options).Execute(context, interruption.Token);
            Print(context.Out, result);
            return interruption.Token.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
        }));
        return command;
    }

    private static void Print(TextWriter o, ConversationBenchResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        var opt = r.Options;
        o.WriteLine(string.Create(inv,
            $"bench conversation: {r.Model.FileName}, {opt.Turns} turns, {opt.Tokens} tokens per reply, context {opt.ContextTokens}, {r.Threads}; median of {opt.Repeats} alternating conversations per side"));
        TextTable.Write(o, ["TURN", "PROMPT", "KEPT", "RE-DECODE MS", "KEEP MS", "KEEP/RE-DECODE"],
            r.Turns.Select(t => new[]
            {
                t.Turn.ToString(inv), t.PromptTokens.ToString(inv), t.KeptTokens.ToString(inv),
                (t.RedecodeSeconds * 1000).ToString("0.0", inv), (t.KeepSeconds * 1000).ToString("0.0", inv), t.Ratio.ToString("0.00", inv),
            }).ToList(), new HashSet<int> { 0, 1, 2, 3, 4, 5 });
        var last = r.Turns[^1];
        o.WriteLine(string.Create(inv,
            $"time to first token of turn {last.Turn}: {last.KeepSeconds * 1000:0.0} ms with the K/V kept, {last.RedecodeSeconds * 1000:0.0} ms decoding the conversation again ({last.Ratio:0.00}×)"));
        o.WriteLine(r.SameText ? "both sides held the same conversation" : "the two sides' conversations differ (float rounding at a near tie)");
    }
}
