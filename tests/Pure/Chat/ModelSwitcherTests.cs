using AwesomeAssertions;
using LlamaJump.Tests.Pure.Gguf;
using LlamaJump.Tui.Chat.Views;
using Terminal.Gui.Input;

namespace LlamaJump.Tests.Pure.Chat;

[Collection(nameof(ChatCollection))]
public sealed class ModelSwitcherTests
{
    private static readonly string Stories = SharedFiles.Path("models", "gguf", "stories260K.gguf");

    /// <summary>Opens the switcher and moves to the line naming <paramref name="fileName"/>.</summary>
    private static void Select(ChatHarness chat, string fileName)
    {
        chat.Press(ChatKeys.Models);
        int index = chat.Window.Switcher.Choices.ToList().FindIndex(c => Path.GetFileName(c.Path) == fileName);
        index.Should().BeGreaterThanOrEqualTo(0, $"{fileName} is listed");
        chat.Press(Key.Home);
        for (int i = 0; i < index; i++)
        {
            chat.Press(Key.CursorDown);
        }
    }

    [Fact]
    public void The_list_shows_every_gguf_with_architecture_size_and_jumps_and_unreadable_files_with_why()
    {
        using var chat = new ChatHarness(new ScriptedGenerator(5, []));
        File.Copy(Stories, Path.Combine(chat.Home, "models", "gguf", "stories260K.gguf"));
        File.Copy(Stories, Path.Combine(chat.Home, "models", "gguf", "withjumps.gguf"));
        File.WriteAllBytes(Path.Combine(chat.Home, "models", "gguf", "withjumps.jumps.gguf"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(chat.Home, "models", "gguf", "broken.gguf"), [(byte)'G', (byte)'G', (byte)'U', (byte)'F', 3, 0]);

        chat.Press(ChatKeys.Models);
        var screen = chat.Screen;
        screen.Should().Contain("stories260K.gguf  llama 5×64 1.1 MiB no jumps");
        screen.Should().Contain("withjumps.gguf  llama 5×64 1.1 MiB jumps");
        screen.Should().MatchRegex(@"broken\.gguf\s+unreadable: ");
        chat.Window.Switcher.Visible.Should().BeTrue();

        chat.Press(ChatKeys.Stop);
        chat.Window.Switcher.Visible.Should().BeFalse();
        chat.Window.Input.HasFocus.Should().BeTrue();
    }

    [Fact]
    public void Choosing_a_model_unloads_the_current_one_and_shows_the_new_one()
    {
        using var chat = new ChatHarness(new ScriptedGenerator(5, []));
        string other = Path.Combine(chat.Home, "models", "gguf", "other.gguf");
        File.Copy(Stories, other);
        var next = new FakeChatModel(other, 3, new ScriptedGenerator(3, [Tokens.At(0, "NEW")]));
        chat.Loader.Models[other] = () => next;

        Select(chat, "other.gguf");
        chat.Press(Key.Enter);
        chat.WaitFor(() => !chat.Chat.Loading, "the load");

        chat.Model.Disposed.Should().BeTrue("the previous model's memory is freed");
        chat.Chat.Model.Should().BeSameAs(next);
        chat.Screen.Should().Contain("llamajump chat: other.gguf").And.Contain("L2=");
        chat.Ask("hi");
        chat.Screen.Should().Contain("NEW");
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_refused_and_the_current_model_stays()
    {
        using var chat = new ChatHarness(new ScriptedGenerator(5, []));
        File.WriteAllText(Path.Combine(chat.Home, "models", "gguf", "notes.gguf"), "this is not a GGUF file at all");

        Select(chat, "notes.gguf");
        chat.Press(Key.Enter);
        chat.WaitFor(() => !chat.Chat.Loading, "the refusal");

        chat.Chat.Model.Should().BeSameAs(chat.Model);
        chat.Model.Disposed.Should().BeFalse();
        chat.Loader.Loaded.Should().BeEmpty("nothing is unloaded or loaded for a file that is not a model");
        chat.Screen.Should().Contain("cannot load notes.gguf").And.Contain("llamajump chat: fake.gguf");
        chat.Chat.Message.Should().EndWith("still using fake.gguf");
    }

    [Fact]
    public void A_model_deleted_while_listed_is_reported_and_the_current_model_stays()
    {
        using var chat = new ChatHarness(new ScriptedGenerator(5, []));
        string gone = Path.Combine(chat.Home, "models", "gguf", "gone.gguf");
        File.Copy(Stories, gone);
        Select(chat, "gone.gguf");
        File.Delete(gone);
        chat.Press(Key.Enter);
        chat.WaitFor(() => !chat.Chat.Loading, "the refusal");

        chat.Chat.Model.Should().BeSameAs(chat.Model);
        chat.Chat.Message.Should().Contain("cannot load gone.gguf").And.Contain("still using fake.gguf");
    }

    [Fact]
    public void A_load_that_fails_inside_llama_cpp_brings_the_previous_model_back_and_says_why()
    {
        using var chat = new ChatHarness(new ScriptedGenerator(5, []));
        string failing = Path.Combine(chat.Home, "models", "gguf", "failing.gguf");
        File.Copy(Stories, failing); // a readable GGUF the (fake) backend refuses
        var again = new FakeChatModel(chat.Model.Info.Path, 5, new ScriptedGenerator(5, []));
        chat.Loader.Models[chat.Model.Info.Path] = () => again;

        Select(chat, "failing.gguf");
        chat.Press(Key.Enter);
        chat.WaitFor(() => !chat.Chat.Loading, "the failed load");

        chat.Loader.Loaded.Should().Equal(failing, chat.Model.Info.Path);
        chat.Chat.Model.Should().BeSameAs(again);
        chat.Chat.Message.Should().Contain("could not load failing.gguf: llama.cpp could not load failing.gguf: fake failure; back to fake.gguf");
    }
}
