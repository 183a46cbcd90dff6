using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Options;

namespace CoupleGen.Web;

/// <summary>
/// Runs generations on a fixed number of workers with a bounded wait: at most <see cref="WebOptions.Workers"/> run and
/// <see cref="WebOptions.QueueLength"/> wait; the next request is refused at once (<see cref="QueueFullException"/>),
/// so load cannot grow memory without bound. A request whose client leaves while it waits never runs.
/// </summary>
public sealed class GenerationWorkers : IDisposable
{
    private readonly SemaphoreSlim workers;
    private readonly int capacity;
    private int admitted;

    /// <summary>Initializes a new instance of the <see cref="GenerationWorkers"/> class.</summary>
    /// <param name="options">The web settings.</param>
    public GenerationWorkers(IOptions<WebOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        workers = new SemaphoreSlim(options.Value.Workers, options.Value.Workers);
        capacity = options.Value.Workers + options.Value.QueueLength;
    }

    /// <summary>Gets how many requests are running or waiting now (for metrics and tests).</summary>
    public int Admitted => Volatile.Read(ref admitted);

    /// <summary>Runs <paramref name="work"/> on a worker thread once one is free.</summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="work">The generation.</param>
    /// <param name="cancellationToken">The request's abort token: cancels the wait (a generation that has started runs to its end).</param>
    /// <returns>The result.</returns>
    /// <exception cref="QueueFullException">Every worker is busy and the queue is full.</exception>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref admitted) > capacity)
        {
            Interlocked.Decrement(ref admitted);
            throw new QueueFullException();
        }

        try
        {
            await workers.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                return await Task.Run(work, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                workers.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref admitted);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => workers.Dispose();
}

/// <summary>Every generation worker is busy and the wait queue is full.</summary>
public sealed class QueueFullException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="QueueFullException"/> class.</summary>
    public QueueFullException()
        : base("Every generation worker is busy and the queue is full; try again shortly.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="QueueFullException"/> class.</summary>
    /// <param name="message">The message.</param>
    public QueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="QueueFullException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public QueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
