using System;

namespace CoupleGen.Errors;

/// <summary>The libtorch native runtime could not be loaded; the message says which library failed, why, and how to fix it.</summary>
public sealed class NativeRuntimeException : CoupleGenException
{
    /// <summary>Initializes a new instance of the <see cref="NativeRuntimeException"/> class.</summary>
    public NativeRuntimeException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NativeRuntimeException"/> class with a message.</summary>
    /// <param name="message">What is missing and how to fix it.</param>
    public NativeRuntimeException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NativeRuntimeException"/> class with a message and a cause.</summary>
    /// <param name="message">What is missing and how to fix it.</param>
    /// <param name="innerException">TorchSharp's original failure.</param>
    public NativeRuntimeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
