using System;

namespace CoupleGen.Errors;

/// <summary>
/// A weight file could not be used: unknown or corrupt format, truncated, a pickle that references
/// code outside the allow-list, or tensors that do not fit the target module.
/// </summary>
public sealed class InvalidWeightsException : CoupleGenException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidWeightsException"/> class.</summary>
    public InvalidWeightsException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidWeightsException"/> class with a message.</summary>
    /// <param name="message">What is wrong with the weights.</param>
    public InvalidWeightsException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidWeightsException"/> class with a message and a cause.</summary>
    /// <param name="message">What is wrong with the weights.</param>
    /// <param name="innerException">The underlying failure.</param>
    public InvalidWeightsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidWeightsException"/> class for a weight file.</summary>
    /// <param name="path">The weight file.</param>
    /// <param name="cause">What is wrong with it.</param>
    /// <param name="innerException">The underlying failure.</param>
    public InvalidWeightsException(string path, string cause, Exception? innerException = null)
        : base(path, $"Cannot use weights '{path}': {cause}", innerException)
    {
    }
}
