using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.App.Chat;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Models;
using LlamaJump.Tui.Chat;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump chat [--model M] [--jumps J] [--mode full|exit|spec] [--lambda X] [--max-tokens N]
/// [--threads T]</c>: the terminal chat with
/// tokens coloured by exit level, live exit statistics, a token inspector and a model switcher. The first model is
/// loaded before the screen opens, so a bad model or option fails like any verb (one line, exit 2).</summary>
public static class ChatVerb
{
    public static Command Create(JobContext context)
    {
        var model = new Option<string>("--model") { Description = "Model to chat with (path or name)", DefaultValueFactory = _ => ModelResolver.DefaultModelName };
        var jumps = new Option<string?>("--jumps") { Description = "Jump file (default: the one found for the model in jumps/)" };
        var mode = new Option<string>("--mode") { Description = "full, exit (lossy early exit) or spec (lossless self-speculative)", DefaultValueFactory = _ => "full" };
        mode.AcceptOnlyFromAmong("full", "exit", "spec");
        var lambda = new Option<float>("--lambda") { Description = "Confidence threshold λ for an early exit (above 1: never exit)", DefaultValueFactory = _ => 0.9f };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Longest reply in tokens", DefaultValueFactory = _ => 256 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: planned from the cores this process may use)" };
        var command = new Command("chat", "Chat in the terminal, seeing at which block every token exits") { model, jumps, mode, lambda, maxTokens, threads };
        command.SetAction(parse => JobRunner.Run(context, () => Execute(context, new ChatOptions(
            parse.GetValue(model)!,
            parse.GetValue(jumps),
            Enum.Parse<GenerationMode>(parse.GetValue(mode)!, ignoreCase: true),
            parse.GetValue(lambda),
            parse.GetValue(maxTokens),
            Threads: parse.GetValue(threads)))));
        return command;
    }

    public static int Execute(JobContext context, ChatOptions options)
    {
        if (!(options.Lambda is >= ChatOptions.LambdaMin and <= ChatOptions.LambdaMax))
        {
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                $"--lambda {options.Lambda} is outside [{ChatOptions.LambdaMin}, {ChatOptions.LambdaMax}]"));
        }
        if (options.MaxReplyTokens is < 1 || options.MaxReplyTokens >= options.ContextTokens)
        {
            throw new UserInputException($"--max-tokens {options.MaxReplyTokens} must be between 1 and {options.ContextTokens - 1}");
        }
        if (options.Threads is < 1)
        {
            throw new UserInputException($"--threads must be positive (got {options.Threads})");
        }
        if (options.Jumps is { } jumpsPath && !File.Exists(jumpsPath))
        {
            throw new UserInputException($"--jumps {jumpsPath}: no such file");
        }
        string path = context.Models.Resolve(options.Model);
        NativeBackend.Initialize();
        NativeLog.Route(TextWriter.Null, LLama.Native.LLamaLogLevel.None);
        var jumpFiles = new ChatJumps();
        var loader = new ChatModelLoader(jumpFiles, GeneratorFactories.Default, options.ContextTokens, options.Threads);
        var model = loader.Load(path, options.Jumps);
        ChatApp.Run(model, loader, new ModelCatalog(context.Models, jumpFiles), options);
        return ExitCodes.Success;
    }
}
