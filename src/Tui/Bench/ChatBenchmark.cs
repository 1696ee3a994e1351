using LlamaJump.App;
using LlamaJump.App.Bench;
using LlamaJump.App.Chat;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Models;
using LlamaJump.Tui.Chat;

namespace LlamaJump.Tui.Bench;

/// <summary>What <c>bench chat</c> measured: tokens/s of every chat reply (the chat's own counters, the number of its
/// status line) and of every generator run, in the order run, their medians and ratio, the last reply's status line,
/// and whether the chat showed exactly the tokens the generator produced; <see cref="Threads"/> is the thread plan both
/// sides ran with.</summary>
public sealed record ChatBenchResult(ModelInfo Model, string? JumpFile, ChatBenchOptions Options, int PromptTokens, string Threads,
    IReadOnlyList<double> Chat, IReadOnlyList<double> Generate, int ReplyTokens, string StatusLine, bool SameText)
{
    public double ChatMedian => ExitBenchmark.Median(Chat);
    public double GenerateMedian => ExitBenchmark.Median(Generate);
    public double Ratio => ChatMedian / GenerateMedian;
}

/// <summary>
/// <c>llamajump bench chat</c>: the chat's throughput against the bare generator's, in one process. The chat side is
/// <see cref="HeadlessChat"/> — the real controller, window and Terminal.Gui main loop on a virtual screen — asked the
/// prompt as a user types it; the generate side is the same generator type (<see cref="GeneratorFactories.Default"/>)
/// on a second session with the same options (context, threads), the same jumps, settings, prompt tokens and token
/// limit, consumed with nothing else to do. The sides alternate (chat first in even repeats, generate first in odd
/// ones, after one warm-up each) so drift on a shared machine hits both alike; the ratio compares medians.
/// </summary>
public sealed class ChatBenchmark(ChatBenchOptions options) : IJob<ChatBenchResult>
{
    public ChatBenchResult Execute(JobContext context, CancellationToken cancel)
    {
        var models = context.Models;
        var log = context.Log;
        string path = models.Resolve(options.Model);
        NativeBackend.Initialize();
        NativeLog.Quiet(log);
        var chatOptions = new ChatOptions(path, options.Jumps, options.Mode, options.Lambda, options.Tokens, options.ContextTokens, options.Threads);
        var jumpFiles = new ChatJumps();
        var loader = new ChatModelLoader(jumpFiles, GeneratorFactories.Default, chatOptions.ContextTokens, chatOptions.Threads);
        var chatModel = loader.Load(path, options.Jumps);
        var jumps = chatModel.Jumps;
        string? jumpFile = chatModel.JumpsPath;
        if (options.Mode != GenerationMode.Full && jumps is null)
        {
            string why = chatModel.JumpsProblem ?? "no jump file";
            chatModel.Dispose();
            throw new UserInputException($"{options.Mode.ToString().ToLowerInvariant()} mode needs jumps: {why}");
        }

        using var chat = new HeadlessChat(chatModel, loader, new ModelCatalog(models, jumpFiles), chatOptions);
        var sessionOptions = new SessionOptions(SequenceCount: 1, MaxTokens: chatOptions.ContextTokens, Threads: chatOptions.Threads);
        using var session = ModelSession.Open(path, sessionOptions);
        var generator = GeneratorFactories.Default(session, jumps);
        try
        {
            var prompt = new ChatPromptBuilder(session).Build([], options.Prompt, options.Tokens);
            var settings = new GenerationSettings(options.Mode, options.Lambda);
            log.WriteLine($"bench chat: {session.Describe()}, {session.Threads.Describe()}, mode {Mode(options.Mode)}, {options.Tokens} tokens per reply; warming up");

            var (chatRates, generateRates) = (new List<double>(), new List<double>());
            ChatReply? reply = null;
            string generated = "";
            for (int r = -1; r < options.Repeats && !cancel.IsCancellationRequested; r++)
            {
                bool chatFirst = r % 2 == 0 || r < 0;
                for (int side = 0; side < 2 && !cancel.IsCancellationRequested; side++)
                {
                    if ((side == 0) == chatFirst)
                    {
                        reply = chat.Ask(options.Prompt, cancel);
                        if (r >= 0)
                            chatRates.Add(reply.Stats.TokensPerSecond);
                    }
                    else
                    {
                        generated = string.Concat(generator.Generate(prompt, options.Tokens, new GenerationControl(settings), cancel).Select(t => t.Text));
                        if (r >= 0)
                            generateRates.Add(generator.Stats.TokensPerSecond);
                    }
                }
                if (r >= 0)
                    log.WriteLine($"bench chat: repeat {r + 1}/{options.Repeats} done");
            }
            return new ChatBenchResult(chatModel.Info, jumpFile, options, prompt.Count, session.Threads.Describe(), chatRates, generateRates,
                reply?.Tokens ?? 0, reply?.StatusLine ?? "", reply is not null && reply.Text == generated);
        }
        finally
        {
            (generator as IDisposable)?.Dispose();
        }
    }

    private static string Mode(GenerationMode mode) => mode.ToString().ToLowerInvariant();
}
