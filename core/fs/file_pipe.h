// Pipes: a 4 KiB ring between a read-end File and a write-end File.
#pragma once

#include "core/fs/file.h"
#include "core/lib/result.h"

namespace tine {

inline constexpr size_t kPipeSize = 4096;
// Writes of at most this many bytes are atomic (never interleaved with
// another writer's), as POSIX's PIPE_BUF.
inline constexpr size_t kPipeBuf = 4096;

struct PipeEnds {
  File* read;   // O_RDONLY, one reference
  File* write;  // O_WRONLY, one reference
};

// A new pipe. Error::NoMem (nothing is left allocated then).
//
// read blocks while the ring is empty and a writer remains, then returns
// what is there (up to n); with no writer left it returns 0 (end of file).
// write blocks until all n bytes are in (a write of up to kPipeBuf goes in
// at once, waiting for room for all of it); with no reader left it fails
// with Error::Pipe, or returns the count already written, and sends the
// writer SIGPIPE either way (Linux). A writer waiting for room when the
// last reader goes is woken and gets the same.
// With O_NONBLOCK on the end (pipe2 or fcntl F_SETFL, checked at each
// call): a read of an empty pipe that still has a writer, and a write that
// would wait for room, fail with Error::Again instead (or return the count
// already written).
// Neither end is seekable (lseek: ESPIPE); fstat says S_IFIFO.
Result<PipeEnds> pipe_create();

// FIFOs (named pipes): one Pipe per FIFO node, shared by every open of it,
// made on the node's first open and dropped with the node.
struct Pipe;
// A Pipe with no ends open, one reference (the node's). NoMem.
Result<Pipe*> fifo_create();
void fifo_hold(Pipe* p);
void fifo_release(Pipe* p);
// open(2) of a FIFO, as Linux's fifo_open: O_RDONLY waits for a writer
// and O_WRONLY for a reader, unless O_NONBLOCK (then a reader opens at
// once and a writer without a reader fails with NxIo); O_RDWR never waits.
// A signal ends the wait (Intr). The File holds its own reference to p.
Result<File*> fifo_open(Pipe* p, int flags);

// A pipe made by pipe2 seen as the node it is (Linux's pipefs inode): the
// Pipe behind f if f is an end of one, else null; the Pipe's FileStat; and
// open(2) of it again (/proc/<pid>/fd/N), as fifo_open but never waiting
// for the other end and never NxIo, as Linux's fifo_open for a pipe.
// fifo_hold/fifo_release keep such a Pipe too.
Pipe* file_pipe(File& f);
void pipe_stat_of(Pipe& p, FileStat& st);
Result<File*> pipe_open(Pipe* p, int flags);

}  // namespace tine
