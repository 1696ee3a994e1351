using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Tests.Pure.Chat;

namespace LlamaJump.Tests.Pure.Engine;

/// <summary>The conversation's bookkeeping with a scripted generator: what it keeps, what it refuses, and the
/// longest reusable prefix.</summary>
public sealed class ConversationTests
{
    private static readonly GenerationControl Control = new(new GenerationSettings());

    private static ScriptedGenerator Script(params int[] ids) =>
        new(4, ids.Select(id => new GeneratedToken(id, "t", "t", 3)).ToList());

    [Fact]
    public void Replies_join_the_conversation_after_the_user_tokens()
    {
        var conversation = new Conversation(Script(7, 8), contextSize: 64);
        conversation.Reply([1, 2, 3], 2, Control, TestContext.Current.CancellationToken).Select(t => t.Id).Should().Equal(7, 8);
        conversation.Tokens.Should().Equal(1, 2, 3, 7, 8);
        conversation.Reply([4], 2, Control, TestContext.Current.CancellationToken).ToList();
        conversation.Tokens.Should().Equal(1, 2, 3, 7, 8, 4, 7, 8);
    }

    [Fact]
    public void A_conversation_that_would_overflow_the_context_says_so_in_one_line()
    {
        var conversation = new Conversation(Script(7), contextSize: 8);
        conversation.Reply([1, 2, 3], 1, Control, TestContext.Current.CancellationToken).ToList();
        var overflow = () => conversation.Reply([4, 5, 6], 4, Control, TestContext.Current.CancellationToken);
        overflow.Should().Throw<ContextFullException>().Which.Message.Should()
            .Contain("holds 4 tokens").And.Contain("needs 12 of the context's 8").And.NotContain("\n");
        conversation.Tokens.Should().Equal(1, 2, 3, 7);
    }

    [Fact]
    public void Continue_replaces_the_conversation_by_the_callers_rendering()
    {
        var conversation = new Conversation(Script(9), contextSize: 64);
        conversation.Reply([1, 2], 1, Control, TestContext.Current.CancellationToken).ToList();
        conversation.Continue([5, 6, 7], 1, Control, TestContext.Current.CancellationToken).ToList();
        conversation.Tokens.Should().Equal(5, 6, 7, 9);
    }

    [Theory]
    [InlineData(new int[0], new[] { 1, 2, 3 }, 0)]
    [InlineData(new[] { 1, 2, 3 }, new[] { 1, 2, 3, 4 }, 3)]
    [InlineData(new[] { 1, 2, 3, 4 }, new[] { 1, 2, 3, 4 }, 3)] // the last prompt token is decoded again for its logits
    [InlineData(new[] { 1, 2, 9, 4 }, new[] { 1, 2, 3, 4, 5 }, 2)]
    [InlineData(new[] { 1, 2, 3, 4, 5, 6 }, new[] { 1, 2, 3 }, 2)]
    [InlineData(new[] { 2 }, new[] { 1, 2 }, 0)]
    public void The_reusable_prefix_is_the_common_prefix_short_of_the_prompts_last_token(int[] cached, int[] prompt, int expected) =>
        EarlyExitGenerator.ReusablePrefix(cached, prompt).Should().Be(expected);
}
