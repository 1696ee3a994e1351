using System.Text.RegularExpressions;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>./llamajump chat</c> in a real terminal (tmux): a reply on stories260K in each mode — full (then swapping
/// to llama-2-tiny-random and back, and quitting with exit code 0), exit with a low λ, spec — and bad options failing
/// before the screen opens. Replies are bounded (<see cref="ReplyTokens"/>) and every wait is for a state on the screen
/// with a generous deadline, never for a speed: a loaded machine makes these tests slower, not red.</summary>
public sealed partial class ChatTests(TrainedStoriesJumps jumps) : IClassFixture<TrainedStoriesJumps>, IDisposable
{
    private const int ReplyTokens = 48;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(300);

    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-e2e-chat-").FullName;
    private readonly string _session = $"llamajump-chat-{Guid.NewGuid():N}"[..28];

    public void Dispose()
    {
        Tmux("kill-session", "-t", _session);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Replies_on_stories260K_swaps_to_another_model_and_back_and_quits_cleanly()
    {
        string exitFile = StartChat("--model stories260K");
        WaitForScreen(s => s.Contains("llamajump chat: stories260K.gguf", StringComparison.Ordinal), "the chat screen");

        var screen = Ask("Once upon a time");
        screen.Should().Contain("> Once upon a time");
        screen.Should().Contain(", there was a little girl named Lily.", "the greedy reply of stories260K (the stock reference)");
        int fullDepth = int.Parse(FullDepthRow().Match(screen).Groups[1].Value);
        fullDepth.Should().BeGreaterThan(0, "the exit histogram counts the reply's tokens at block 4 (full depth)");
        screen.Should().Contain("blocks/token 5.00 of 5");

        SwapTo("llama-2-tiny-random.gguf");
        screen = WaitForScreen(s => s.Contains("llamajump chat: llama-2-tiny-random.gguf", StringComparison.Ordinal), "the tiny model");
        screen.Should().Contain("llama, 1 blocks × 8").And.Contain("L0=");

        SwapTo("stories260K.gguf");
        screen = WaitForScreen(s => s.Contains("llamajump chat: stories260K.gguf", StringComparison.Ordinal) && s.Contains("loaded stories260K", StringComparison.Ordinal), "stories260K again");
        screen.Should().Contain("llama, 5 blocks × 64");

        Keys("C-q");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(exitFile) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }
        File.Exists(exitFile).Should().BeTrue($"the chat ends after Ctrl-Q; screen:\n{Capture()}");
        Thread.Sleep(100);
        File.ReadAllText(exitFile).Trim().Should().Be("0");
    }

    [Fact]
    public void In_exit_mode_with_a_low_lambda_tokens_exit_before_the_last_block()
    {
        // λ 0.05: a token exits at the first candidate block whose jumped prediction reaches 5 % — with a trained jump
        // on stories260K that is nearly every token, and not one of 48 exiting would take 48 near-uniform predictions.
        StartChat($"--model stories260K --jumps '{jumps.Jumps}' --mode exit --lambda 0.05");
        WaitForScreen(s => s.Contains("mode exit  λ 0.05", StringComparison.Ordinal), "the chat in exit mode");

        var screen = Ask("Once upon a time");
        var early = EarlyExitRows().Matches(screen).Select(m => int.Parse(m.Groups[2].Value)).ToList();
        early.Should().HaveCount(4, $"the histogram has a row for each exit block 0..3:\n{screen}");
        early.Sum().Should().BeGreaterThan(0, $"tokens exited before the last block:\n{screen}");
        var blocks = double.Parse(BlocksPerToken().Match(screen).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        blocks.Should().BeLessThan(5, "exited tokens skip blocks");
    }

    [Fact]
    public void In_spec_mode_the_reply_is_the_full_models_and_the_acceptance_is_shown()
    {
        StartChat($"--model stories260K --jumps '{jumps.Jumps}' --mode spec");
        WaitForScreen(s => s.Contains("mode spec", StringComparison.Ordinal), "the chat in spec mode");

        var screen = Ask("Once upon a time");
        screen.Should().Contain(", there was a little girl named Lily.", "spec mode is lossless: the full model's greedy reply");
        var accepted = Acceptance().Match(screen);
        accepted.Success.Should().BeTrue($"the panel shows the acceptance:\n{screen}");
        int.Parse(accepted.Groups[1].Value).Should().BeInRange(0, 100);
    }

    [Fact]
    public void A_bad_lambda_or_a_missing_model_fails_before_the_screen_opens()
    {
        var lambda = Cli.Llamajump("chat", "--lambda", "7");
        lambda.ExitCode.Should().Be(2, lambda.Stderr);
        lambda.Stderr.Should().Contain("--lambda 7 is outside");

        var missing = Cli.Llamajump("chat", "--model", "no-such-model");
        missing.ExitCode.Should().Be(2, missing.Stderr);
        missing.Stderr.Should().StartWith("llamajump: error:").And.Contain("no-such-model");

        var threads = Cli.Llamajump("chat", "--threads", "0");
        threads.ExitCode.Should().Be(2, threads.Stderr);
        threads.Stderr.Should().Contain("--threads must be positive");
    }

    /// <summary>Starts the chat in a 100×30 tmux session with a reply limit of <see cref="ReplyTokens"/> and a cache of
    /// its own (the tmux server's environment is not this process's); returns the file its exit code goes to.</summary>
    private string StartChat(string arguments)
    {
        string exitFile = Path.Combine(_dir, "exit-code");
        string cache = Path.Combine(_dir, "cache");
        string command = $"cd '{Cli.RepoRoot}' && LLAMAJUMP_CACHE='{cache}' ./llamajump chat {arguments} --max-tokens {ReplyTokens}; echo $? > '{exitFile}'; sleep 60";
        Tmux("new-session", "-d", "-s", _session, "-x", "100", "-y", "30", command);
        return exitFile;
    }

    /// <summary>Types <paramref name="prompt"/> and Enter, and waits for the reply to end: the message line then reads
    /// "N tokens, X tokens/s" with N at most the reply limit.</summary>
    private string Ask(string prompt)
    {
        Keys("-l", prompt);
        Keys("Enter");
        var screen = WaitForScreen(s => ReplyEnded().IsMatch(s), "the reply to end");
        int tokens = int.Parse(ReplyEnded().Match(screen).Groups[1].Value);
        tokens.Should().BeInRange(1, ReplyTokens, $"the reply is bounded by --max-tokens:\n{screen}");
        return screen;
    }

    /// <summary>Opens the model switcher and loads <paramref name="fileName"/> (found by its line in the list).</summary>
    private void SwapTo(string fileName)
    {
        Keys("F5");
        var screen = WaitForScreen(s => s.Contains("Models (Enter", StringComparison.Ordinal), "the model switcher");
        var rows = screen.Split('\n');
        int top = Array.FindIndex(rows, r => r.Contains("Models (Enter", StringComparison.Ordinal));
        int row = Array.FindIndex(rows, top, r => r.Contains(fileName + "  llama", StringComparison.Ordinal));
        row.Should().BeGreaterThan(top, $"{fileName} is listed:\n{screen}");
        Keys("Home");
        for (int i = 0; i < row - top - 1; i++)
        {
            Keys("Down");
        }
        Keys("Enter");
    }

    private string WaitForScreen(Func<string, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        string screen = "";
        while (DateTime.UtcNow < deadline)
        {
            screen = Capture();
            if (condition(screen))
            {
                return screen;
            }
            Thread.Sleep(200);
        }
        throw new TimeoutException($"waited {Deadline.TotalSeconds:0} s for {what}; the screen:\n{screen}");
    }

    private string Capture() => Tmux("capture-pane", "-p", "-t", _session).Stdout;

    private void Keys(params string[] keys)
    {
        Tmux(["send-keys", "-t", _session, .. keys]);
        Thread.Sleep(150);
    }

    private static CommandResult Tmux(params string[] args) => Cli.Run("tmux", args, timeoutSeconds: 30);

    /// <summary>The message line after a reply: "48 tokens, 812 tokens/s".</summary>
    [GeneratedRegex(@"(\d+) tokens, \d+ tokens/s")]
    private static partial Regex ReplyEnded();

    [GeneratedRegex(@"L4=\s+(\d+)\s+\d+")]
    private static partial Regex FullDepthRow();

    /// <summary>The histogram rows of the exit blocks before the last: "L1     47      47 ███".</summary>
    [GeneratedRegex(@"L([0-3])\s+(\d+)\s+\d+")]
    private static partial Regex EarlyExitRows();

    [GeneratedRegex(@"blocks/token (\d+\.\d+) of 5")]
    private static partial Regex BlocksPerToken();

    [GeneratedRegex(@"accepted\s+(\d+)%")]
    private static partial Regex Acceptance();
}
