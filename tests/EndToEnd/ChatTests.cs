using System.Text.RegularExpressions;
using AwesomeAssertions;

namespace LlamaJump.Tests.EndToEnd;

/// <summary><c>./llamajump chat</c> in a real terminal (tmux): a reply on stories260K, swapping to
/// llama-2-tiny-random and back, quitting with exit code 0; and bad options failing before the screen opens.</summary>
public sealed partial class ChatTests : IDisposable
{
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
        string exitFile = Path.Combine(_dir, "exit-code");
        string command = $"cd '{Cli.RepoRoot}' && ./llamajump chat --model stories260K; echo $? > '{exitFile}'; sleep 60";
        Tmux("new-session", "-d", "-s", _session, "-x", "100", "-y", "30", command);
        WaitForScreen(s => s.Contains("llamajump chat: stories260K.gguf", StringComparison.Ordinal), "the chat screen");

        Keys("-l", "Once upon a time");
        Keys("Enter");
        var screen = WaitForScreen(s => ReplyEnded().IsMatch(s), "the reply");
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
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(exitFile) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }
        File.Exists(exitFile).Should().BeTrue($"the chat ends after Ctrl-Q; screen:\n{Capture()}");
        Thread.Sleep(100);
        File.ReadAllText(exitFile).Trim().Should().Be("0");
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
        var deadline = DateTime.UtcNow.AddSeconds(60);
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
        throw new TimeoutException($"waited 60 s for {what}; the screen:\n{screen}");
    }

    private string Capture() => Tmux("capture-pane", "-p", "-t", _session).Stdout;

    private void Keys(params string[] keys)
    {
        Tmux(["send-keys", "-t", _session, .. keys]);
        Thread.Sleep(150);
    }

    private static CommandResult Tmux(params string[] args) => Cli.Run("tmux", args, timeoutSeconds: 30);

    /// <summary>The message line after a reply: "256 tokens, 812 tokens/s".</summary>
    [GeneratedRegex(@"\d+ tokens, \d+ tokens/s")]
    private static partial Regex ReplyEnded();

    [GeneratedRegex(@"L4=\s+(\d+)\s+\d+")]
    private static partial Regex FullDepthRow();
}
