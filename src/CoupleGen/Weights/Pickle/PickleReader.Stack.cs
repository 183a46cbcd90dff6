using System.Collections.Generic;
using System.IO;

namespace CoupleGen.Weights.Pickle;

/// <content>The pickle machine's stack, marks and memo.</content>
internal sealed partial class PickleReader
{
    private object? Memo(long index) => memo.TryGetValue(index, out var value) ? value : throw new InvalidDataException($"the pickle reads memo entry {index}, which was never stored.");

    private void Push(object? value) => stack.Add(value);

    private object? Pop()
    {
        if (stack.Count == 0 || (marks.Count > 0 && stack.Count <= marks.Peek()))
        {
            throw new InvalidDataException("the pickle pops from an empty stack (corrupt).");
        }

        object? value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private object? Peek() => stack.Count > 0 ? stack[^1] : throw new InvalidDataException("the pickle reads an empty stack (corrupt).");

    private List<object?> PopMark()
    {
        if (marks.Count == 0)
        {
            throw new InvalidDataException("the pickle closes a MARK it never opened (corrupt).");
        }

        int start = marks.Pop();
        var items = stack.GetRange(start, stack.Count - start);
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }
}
