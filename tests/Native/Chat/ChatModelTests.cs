using AwesomeAssertions;
using LlamaJump.App.Chat;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;

namespace LlamaJump.Tests.Native.Chat;

/// <summary>The chat's model layer on stories260K: the full-depth generator against LLamaSharp's greedy completion,
/// the inspector's identity at the last block, and a jump file that cannot be read.</summary>
public sealed class ChatModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-chat-native-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private IChatModel Load(string? jumps = null) =>
        new ChatModelLoader(new ChatJumps(), GeneratorFactories.Default, 512).Load(TestPaths.Stories260K, jumps);

    [Fact]
    public void The_full_depth_generator_reproduces_greedy_completion_and_counts_every_token_at_the_last_block()
    {
        var reference = GreedyCompletion.Run(TestPaths.Stories260K, "Once upon a time", maxTokens: 40);
        using var model = Load();
        var prompt = model.PromptTokens([], "Once upon a time", 40);
        prompt.Should().Equal(reference.PromptTokens, "a base model without a template gets the plain text");

        var control = new GenerationControl(new GenerationSettings());
        var tokens = model.Generator.Generate(prompt, 40, control, TestContext.Current.CancellationToken).ToList();

        tokens.Select(t => t.Id).Should().Equal(reference.Tokens);
        string.Concat(tokens.Select(t => t.Text)).Should().Be(reference.Text);
        tokens.Should().OnlyContain(t => t.ExitLayer == 4 && t.DraftAccepted == null);
        var stats = model.Generator.Stats;
        stats.Tokens.Should().Be(tokens.Count);
        stats.ExitHistogram.Should().Equal(0, 0, 0, 0, tokens.Count);
        stats.BlocksPerToken.Should().Be(5);
    }

    [Fact]
    public void Asking_for_exit_mode_without_jumps_fails_with_how_to_make_them()
    {
        using var model = Load();
        var control = new GenerationControl(new GenerationSettings(GenerationMode.Exit));
        var act = () => model.Generator.Generate(model.PromptTokens([], "Once", 8), 8, control, TestContext.Current.CancellationToken).ToList();
        act.Should().Throw<InvalidOperationException>().WithMessage("exit mode needs a jump file*llamajump train*");
    }

    [Fact]
    public void The_inspector_reads_the_generated_token_as_top_1_at_the_last_block()
    {
        using var model = Load();
        var prompt = model.PromptTokens([], "Once upon a time", 8);
        var tokens = model.Generator.Generate(prompt, 8, new GenerationControl(new GenerationSettings()), TestContext.Current.CancellationToken).ToList();
        var prefix = prompt.Concat(tokens.Take(5).Select(t => t.Id)).ToList();

        var trajectory = model.Inspect(prefix, tokens[5].Id);

        trajectory.Levels.Should().HaveCount(5);
        trajectory.Levels[^1].Identity.Id.Should().Be(tokens[5].Id, "the identity lens at the last block is the model itself");
        trajectory.Levels.Should().OnlyContain(l => l.Jump == null, "no jumps were loaded");
        trajectory.Levels.Should().OnlyContain(l => l.Identity.Probability > 0 && l.Identity.Probability <= 1 && l.Entropy >= 0);
        trajectory.DecidedAt.Should().BeInRange(0, 4);

        // capture is off again: the next reply is unchanged
        model.Generator.Generate(prompt, 8, new GenerationControl(new GenerationSettings()), TestContext.Current.CancellationToken).Select(t => t.Id)
            .Should().Equal(tokens.Select(t => t.Id));
    }

    [Fact]
    public void An_unreadable_jump_file_leaves_the_model_usable_in_full_mode_and_says_why()
    {
        string jumps = Path.Combine(_dir, "broken-jumps.gguf");
        File.WriteAllText(jumps, "not a jump file");
        using var model = Load(jumps);

        model.Jumps.Should().BeNull();
        model.JumpsProblem.Should().StartWith("jump file not used: broken-jumps.gguf");
        model.Generator.Generate(model.PromptTokens([], "Once", 4), 4, new GenerationControl(new GenerationSettings()), TestContext.Current.CancellationToken).Should().NotBeEmpty();
    }
}
