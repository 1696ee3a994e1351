using System.Diagnostics;
using LlamaJump.App.Chat;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Models;

namespace LlamaJump.App.Bench;

/// <summary>The options of <c>bench conversation</c>: the model, turns per conversation, tokens per reply, repeats of
/// each side, the context (tokens) and threads (null: the thread plan).</summary>
public sealed record ConversationBenchOptions(string Model, int Turns, int Tokens, int Repeats, int ContextTokens, int? Threads);

/// <summary>One turn's medians: the prompt's length, how many of its tokens kept their K/V, and the time to first
/// token with the whole conversation decoded again (as the chat did before) and with the K/V kept.</summary>
public sealed record ConversationTurnTiming(int Turn, int PromptTokens, int KeptTokens, double RedecodeSeconds, double KeepSeconds)
{
    public double Ratio => KeepSeconds / RedecodeSeconds;
}

public sealed record ConversationBenchResult(ModelInfo Model, ConversationBenchOptions Options, string Threads, IReadOnlyList<ConversationTurnTiming> Turns, bool SameText);

/// <summary>
/// <c>llamajump bench conversation</c>: time to first token, turn by turn, of the chat's conversation — its own loader,
/// prompt builder (template or plain text, oldest turns dropped to fit) and generator, without the UI — decoded two
/// ways in one process: the whole conversation again every turn (<see cref="ITokenGenerator.Generate"/>, the chat
/// before conversations kept their K/V) and only the new tokens (<see cref="Engine.Conversation"/>). The user's lines
/// are fixed; replies are greedy, full depth, so both sides see the same conversation. The sides alternate by repeat
/// (after one warm-up conversation each) and every figure is a median.
/// </summary>
public sealed class ConversationBenchmark(ConversationBenchOptions options) : IJob<ConversationBenchResult>
{
    /// <summary>What the user says, turn after turn (repeated when there are more turns).</summary>
    public static readonly IReadOnlyList<string> UserLines =
    [
        "Once upon a time there was a little girl named Lily.",
        "One day she found a small red ball in the park.",
        "She wanted to share it with her friend Tom.",
        "But Tom was sad because his dog was lost.",
        "So Lily and Tom went to look for the dog together.",
        "They looked under the big tree and behind the house.",
    ];

    public ConversationBenchResult Execute(JobContext context, CancellationToken cancel)
    {
        string path = context.Models.Resolve(options.Model);
        NativeBackend.Initialize();
        NativeLog.Quiet(context.Log);
        var loader = new ChatModelLoader(new ChatJumps(), GeneratorFactories.Default, options.ContextTokens, options.Threads);
        using var model = loader.Load(path, null);
        context.Log.WriteLine($"bench conversation: {model.Info.FileName}, {options.Turns} turns of {options.Tokens} tokens, {options.Repeats} repeats per side; warming up");

        var redecode = new List<Run>();
        var keep = new List<Run>();
        for (int r = -1; r < options.Repeats && !cancel.IsCancellationRequested; r++)
        {
            bool keepFirst = r % 2 != 0;
            for (int side = 0; side < 2 && !cancel.IsCancellationRequested; side++)
            {
                bool kept = (side == 0) == keepFirst;
                var run = Converse(model, kept, cancel);
                if (r >= 0)
                    (kept ? keep : redecode).Add(run);
            }
            if (r >= 0)
                context.Log.WriteLine($"bench conversation: repeat {r + 1}/{options.Repeats} done");
        }
        var turns = Enumerable.Range(0, options.Turns).Select(t => new ConversationTurnTiming(t + 1,
            keep.Count > 0 ? keep[0].Prompt[t] : 0, keep.Count > 0 ? keep[0].Kept[t] : 0,
            ExitBenchmark.Median(redecode.Select(run => run.FirstToken[t])), ExitBenchmark.Median(keep.Select(run => run.FirstToken[t])))).ToList();
        bool same = keep.Concat(redecode).Select(run => run.Text).Distinct().Count() == 1;
        string threads = model is LoadedModel loaded ? loaded.Threads.Describe() : "";
        return new ConversationBenchResult(model.Info, options, threads, turns, same);
    }

    /// <summary>One conversation's figures per turn, and its whole text (both sides must produce the same).</summary>
    private sealed record Run(double[] FirstToken, int[] Prompt, int[] Kept, string Text);

    private Run Converse(IChatModel model, bool keepKv, CancellationToken cancel)
    {
        var control = new GenerationControl(new GenerationSettings(GenerationMode.Full, 1f));
        var history = new List<ChatTurn>();
        var (first, prompts, kept) = (new double[options.Turns], new int[options.Turns], new int[options.Turns]);
        model.Conversation.Clear();
        for (int t = 0; t < options.Turns && !cancel.IsCancellationRequested; t++)
        {
            string user = UserLines[t % UserLines.Count];
            var prompt = model.PromptTokens(history, user, options.Tokens);
            var turn = new ChatTurn(user, model.Info.FileName, model.Info.BlockCount) { PromptTokens = prompt };
            long start = Stopwatch.GetTimestamp();
            var reply = keepKv
                ? model.Conversation.Continue(prompt, options.Tokens, control, cancel)
                : model.Generator.Generate(prompt, options.Tokens, control, cancel);
            foreach (var token in reply)
            {
                if (turn.Reply.Count == 0)
                    first[t] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                turn.Add(token);
            }
            if (turn.Reply.Count == 0)
                first[t] = Stopwatch.GetElapsedTime(start).TotalSeconds; // the model ended at once: its only "token"
            prompts[t] = prompt.Count;
            kept[t] = model.Generator is EarlyExitGenerator g ? g.ReusedTokens : 0;
            turn.State = TurnState.Finished;
            history.Add(turn);
        }
        return new Run(first, prompts, kept, string.Join('\n', history.Select(h => h.User + h.ReplyText)));
    }
}
