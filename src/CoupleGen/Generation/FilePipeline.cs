using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using CoupleGen.Errors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CoupleGen.Generation;

/// <summary>
/// File-to-file generation in three overlapping stages: a reader thread decodes and fits the next
/// images, the calling thread runs them through the network in batches, and a writer thread encodes
/// and writes the partners. Decoding and encoding run beside the forward passes instead of between
/// them; they hide behind them as far as the forward leaves cores idle. Progress is reported from the
/// writing threads. A file that cannot be read, framed or written fails alone; anything else (a failing
/// forward pass, a throwing progress handler) stops the run and is rethrown.
/// </summary>
internal static class FilePipeline
{
    public static FileGenerationResult[] Run(
        IReadOnlyList<(string InputPath, string OutputPath)> files,
        int batchSize,
        Func<string, Image<Rgb24>> prepare,
        Func<IReadOnlyList<Image<Rgb24>>, Image<Rgb24>[]> forward,
        Action<Image<Rgb24>, string> save,
        IProgress<FileGenerationResult>? progress,
        CancellationToken cancellationToken)
    {
        var results = new FileGenerationResult[files.Count];
        using var prepared = new BlockingCollection<Item>(boundedCapacity: 2 * batchSize);
        using var finished = new BlockingCollection<Item>(boundedCapacity: 2 * batchSize);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ExceptionDispatchInfo? failure = null;

        // A fault of the run (not of one file) in any stage stops all stages and is rethrown at the end.
        void Fail(Exception e)
        {
            Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
            stop.Cancel();
        }

        Task reader = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    for (int index = 0; index < files.Count && !stop.IsCancellationRequested; index++)
                    {
                        Item item = Prepare(index, files[index].InputPath, prepare);
                        try
                        {
                            prepared.Add(item, stop.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            item.Image?.Dispose();
                            break;
                        }
                    }
                }
                catch (Exception e)
                {
                    Fail(e);
                }
                finally
                {
                    prepared.CompleteAdding();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        // Drains everything, even after a stop, so that no image is left undisposed. The calling thread
        // joins in once the last batch is through, so the last partners are written two at a time.
        void WritePartners()
        {
            foreach (Item item in finished.GetConsumingEnumerable(CancellationToken.None))
            {
                using Image<Rgb24>? partner = item.Image;
                if (failure is not null || (partner is not null && stop.IsCancellationRequested))
                {
                    continue;
                }

                try
                {
                    var (inputPath, outputPath) = files[item.Index];
                    Exception? error = item.Error ?? Write(partner!, outputPath, save);
                    var result = new FileGenerationResult(inputPath, outputPath, error);
                    results[item.Index] = result;
                    progress?.Report(result);
                }
                catch (Exception e)
                {
                    Fail(e);
                }
            }
        }

        Task writer = Task.Factory.StartNew(WritePartners, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var batch = new List<Item>(batchSize);
        try
        {
            foreach (Item item in prepared.GetConsumingEnumerable(stop.Token))
            {
                if (item.Image is null)
                {
                    finished.Add(item, stop.Token);
                    continue;
                }

                // Full batches: the forward passes are the bulk of the work and run most efficiently
                // batched. (Flushing whatever was ready gave smaller batches: under the forward's load the
                // reader falls behind.)
                batch.Add(item);
                if (batch.Count == batchSize)
                {
                    Flush(batch, forward, finished, stop.Token);
                }
            }

            Flush(batch, forward, finished, stop.Token);
            finished.CompleteAdding();
            WritePartners();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Cancelled by the caller or stopped by a failing stage; reported below.
        }
        catch
        {
            stop.Cancel();
            throw;
        }
        finally
        {
            batch.ForEach(item => item.Image?.Dispose());
            if (!finished.IsAddingCompleted)
            {
                finished.CompleteAdding();
            }

            Task.WaitAll(new[] { reader, writer }, CancellationToken.None);
            foreach (Item left in prepared)
            {
                left.Image?.Dispose();
            }
        }

        failure?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
        return results;
    }

    private static Item Prepare(int index, string path, Func<string, Image<Rgb24>> prepare)
    {
        try
        {
            return new Item(index, prepare(path), null);
        }
        catch (Exception e) when (IsFileFailure(e))
        {
            return new Item(index, null, e);
        }
    }

    private static Exception? Write(Image<Rgb24> partner, string path, Action<Image<Rgb24>, string> save)
    {
        try
        {
            save(partner, path);
            return null;
        }
        catch (Exception e) when (IsFileFailure(e))
        {
            return e;
        }
    }

    /// <summary>Failures that belong to one file; anything else is a fault of the run.</summary>
    private static bool IsFileFailure(Exception e) => e is CoupleGenException or IOException or UnauthorizedAccessException;

    /// <summary>Runs the batch through the network and hands its partners to the writer; the batch is emptied.</summary>
    private static void Flush(List<Item> batch, Func<IReadOnlyList<Image<Rgb24>>, Image<Rgb24>[]> forward, BlockingCollection<Item> finished, CancellationToken token)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var inputs = batch.ConvertAll(item => item.Image!);
        Image<Rgb24>[] partners = forward(inputs);
        var indices = batch.ConvertAll(item => item.Index);
        inputs.ForEach(image => image.Dispose());
        batch.Clear();
        for (int i = 0; i < partners.Length; i++)
        {
            try
            {
                finished.Add(new Item(indices[i], partners[i], null), token);
            }
            catch (OperationCanceledException)
            {
                for (int j = i; j < partners.Length; j++)
                {
                    partners[j].Dispose();
                }

                throw;
            }
        }
    }

    private readonly record struct Item(int Index, Image<Rgb24>? Image, Exception? Error);
}
