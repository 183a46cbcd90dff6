using System;

namespace CoupleGen.Errors;

/// <summary>A checkpoint could not be read or written: missing, truncated, corrupt, of another format, or for another architecture.</summary>
public sealed class CheckpointException : CoupleGenException
{
    /// <summary>Initializes a new instance of the <see cref="CheckpointException"/> class.</summary>
    public CheckpointException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CheckpointException"/> class with a message.</summary>
    /// <param name="message">What is wrong with the checkpoint.</param>
    public CheckpointException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CheckpointException"/> class with a message and a cause.</summary>
    /// <param name="message">What is wrong with the checkpoint.</param>
    /// <param name="innerException">The underlying failure.</param>
    public CheckpointException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CheckpointException"/> class for a checkpoint file.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="cause">What is wrong with it.</param>
    /// <param name="innerException">The underlying failure.</param>
    public CheckpointException(string path, string cause, Exception? innerException = null)
        : base(path, $"Cannot use checkpoint '{path}': {cause}", innerException)
    {
    }
}
