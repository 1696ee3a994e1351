// EarlyExitStory: a greedy story at full depth, then the same prompt with early exit, each token tagged with the
// block it left the model at. Usage: dotnet run -- path/to/stories260K.gguf [jumps.gguf]
using EarlyExitStory;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Shortcuts.Jumps;

if (args.Length is < 1 or > 2)
    return Fail("usage: EarlyExitStory <model.gguf> [jumps.gguf]");
if (!File.Exists(args[0]))
    return Fail($"{args[0]}: no such model file");
try
{
    const string prompt = "Once upon a time";
    const int maxTokens = 40;
    LlamaJump.Interop.NativeLog.Quiet(Console.Error); // llama.cpp's own log: errors only

    // a jump from `llamajump train`, or one trained here on the model's own stories
    JumpSet jumps = args.Length == 2 ? StoryJumps.Load(args[1], args[0]) : StoryJumps.Train(args[0]);

    using var session = ModelSession.Open(args[0], new SessionOptions(MaxTokens: 512));
    var generator = new EarlyExitGenerator(session, ExitJumps.Choose(jumps)); // installs the OJFA jump
    int[] tokens = session.Tokenize(prompt);

    var full = generator.Generate(tokens, maxTokens, new GenerationControl(new GenerationSettings(GenerationMode.Full)));
    Console.WriteLine($"greedy: {prompt}{string.Concat(full.Select(t => t.Text))}");

    var exit = new GenerationSettings(GenerationMode.Exit, Lambda: 0.5f, Fill: KvFill.Propagate);
    var story = generator.Generate(tokens, maxTokens, new GenerationControl(exit)).ToList();
    Console.WriteLine($"early exit (λ 0.5, OJFA jump {jumps.Ojfa}, block [n] of 0..{session.NLayer - 1}):");
    Console.WriteLine(prompt + string.Concat(story.Select(t => $"{t.Text}[{t.ExitLayer}]")));
    Console.WriteLine($"blocks per token: {story.Average(t => t.ExitLayer + 1.0):F2} of {session.NLayer}");
    return 0;
}
catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or ArgumentException
                              or LlamaJump.Interop.NativeBackendMissingException or LlamaJump.Gguf.GgufFormatException
                              or JumpFileException or LlamaJump.Interop.LlamaJumpException)
{
    return Fail(e.Message);
}

static int Fail(string message)
{
    Console.Error.WriteLine($"EarlyExitStory: error: {message}");
    return 1;
}
