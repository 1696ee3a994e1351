using AwesomeAssertions;
using LlamaJump.App.Chat;
using LlamaJump.Engine.Generation;
using LlamaJump.Tests.Pure.Shortcuts;
using LlamaJump.Tui.Chat.Views;
using Terminal.Gui.Input;

namespace LlamaJump.Tests.Pure.Chat;

[Collection(nameof(ChatCollection))]
public sealed class KeyHandlingTests
{
    private static ScriptedGenerator Long(int holdAfter) =>
        new(5, Enumerable.Range(0, 50).Select(i => Tokens.At(4, $"w{i} ")).ToList()) { HoldAfter = holdAfter };

    [Fact]
    public void F3_and_F2_move_lambda_one_step_each_and_the_panel_shows_it()
    {
        using var chat = new ChatHarness(new ScriptedGenerator(5, []));
        chat.Press(ChatKeys.LambdaUp);
        chat.Chat.Settings.Lambda.Should().BeApproximately(0.95f, 1e-6f);
        chat.Screen.Should().Contain("λ 0.95");
        chat.Press(ChatKeys.LambdaDown, ChatKeys.LambdaDown);
        chat.Chat.Settings.Lambda.Should().BeApproximately(0.85f, 1e-6f);
        chat.Window.Input.Text.Should().BeEmpty("function keys are not typed into the input");
    }

    [Fact]
    public void Lambda_stays_within_its_bounds()
    {
        using var chat = new ChatHarness(new ScriptedGenerator(5, []));
        for (int i = 0; i < 40; i++)
        {
            chat.Press(ChatKeys.LambdaUp);
        }
        chat.Chat.Settings.Lambda.Should().BeApproximately(ChatOptions.LambdaMax, 1e-6f);
        chat.Screen.Should().Contain("never exit");
    }

    [Fact]
    public void Switching_mode_without_jumps_stays_in_full_and_says_how_to_get_jumps()
    {
        using var chat = new ChatHarness(new ScriptedGenerator(5, []));
        chat.Press(ChatKeys.Mode);
        chat.Chat.Settings.Mode.Should().Be(GenerationMode.Full);
        chat.Screen.Should().Contain("exit mode needs jumps; staying in full");
    }

    [Fact]
    public void With_jumps_F4_cycles_full_exit_spec_and_a_generator_that_refuses_returns_to_full()
    {
        var generator = new ScriptedGenerator(5, [Tokens.At(4, "x")]);
        using var chat = new ChatHarness(generator, jumps: JumpSetFixture.Full(nLayer: 5));
        chat.Press(ChatKeys.Mode);
        chat.Chat.Settings.Mode.Should().Be(GenerationMode.Exit);
        chat.Press(ChatKeys.Mode);
        chat.Chat.Settings.Mode.Should().Be(GenerationMode.Spec);
        chat.Screen.Should().Contain("accepted");

        chat.Ask("hi"); // the scripted generator, like the full-depth one, refuses spec mode
        chat.Chat.Settings.Mode.Should().Be(GenerationMode.Full);
        chat.Chat.Turns[^1].State.Should().Be(TurnState.Failed);
        chat.Screen.Should().Contain("back to full mode");
    }

    [Theory]
    [InlineData("Esc")]
    [InlineData("Ctrl-C")]
    public void Stop_keys_end_a_streaming_reply_and_keep_what_it_had(string which)
    {
        var stop = which == "Esc" ? ChatKeys.Stop : ChatKeys.Interrupt;
        using var chat = new ChatHarness(Long(holdAfter: 3));
        chat.Type("tell me");
        chat.Press(Key.Enter);
        chat.WaitFor(() => chat.Chat.Turns.Count == 1 && chat.Chat.Turns[0].Reply.Count == 3, "three tokens");
        chat.Chat.Generating.Should().BeTrue();

        chat.Press(stop);
        chat.WaitFor(() => !chat.Chat.Generating, "the reply to stop");
        chat.Chat.Turns[0].State.Should().Be(TurnState.Stopped);
        chat.Chat.Turns[0].ReplyText.Should().Be("w0 w1 w2 ");
        chat.Screen.Should().Contain("[stopped]");
        chat.Window.StopRequested.Should().BeFalse("stopping a reply does not quit");
    }

    [Fact]
    public void Typing_while_a_reply_streams_is_kept_and_sending_is_refused_until_it_ends()
    {
        using var chat = new ChatHarness(Long(holdAfter: 1));
        chat.Type("first");
        chat.Press(Key.Enter);
        chat.WaitFor(() => chat.Chat.Turns[0].Reply.Count == 1, "one token");
        chat.Type("second");
        chat.Press(Key.Enter);
        chat.Chat.Turns.Should().HaveCount(1);
        chat.Window.Input.Text.Should().Be("second");
        chat.Screen.Should().Contain("busy");
        chat.Press(ChatKeys.Stop);
        chat.WaitFor(() => !chat.Chat.Generating, "the reply to stop");
    }

    [Fact]
    public void F8_clears_the_conversation_and_the_counts()
    {
        using var chat = new ChatHarness(new ScriptedGenerator(5, [Tokens.At(1, "ZZZ")]));
        chat.Ask("hello");
        chat.Screen.Should().Contain("ZZZ");
        chat.Press(ChatKeys.Clear);
        chat.Chat.Turns.Should().BeEmpty();
        chat.Chat.SessionCounts.Total.Should().Be(0);
        chat.Screen.Should().NotContain("ZZZ").And.Contain("conversation cleared");
    }

    [Fact]
    public void F6_then_left_and_Enter_inspect_the_chosen_token()
    {
        using var chat = new ChatHarness(new ScriptedGenerator(5, [Tokens.At(4, "one "), Tokens.At(4, "two")]));
        chat.Ask("hello");
        chat.Press(ChatKeys.Pick, Key.CursorLeft, Key.Enter);
        chat.WaitFor(() => chat.Chat.Inspection is not null, "the inspection");
        chat.Window.Transcript.Selection.Should().Be((0, 0));
        var screen = chat.Screen;
        screen.Should().Contain("settled at block 2");
        screen.Should().Contain("2* tok");
    }

    [Fact]
    public void Ctrl_Q_quits()
    {
        using var chat = new ChatHarness(new ScriptedGenerator(5, []));
        chat.Press(ChatKeys.Stop);
        chat.Window.StopRequested.Should().BeFalse("Esc stops a reply, it does not quit");
        chat.Press(ChatKeys.Quit);
        chat.Window.StopRequested.Should().BeTrue();
    }
}
