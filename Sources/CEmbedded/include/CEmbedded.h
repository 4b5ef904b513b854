// The files of Resources/ as the assembler laid them into the binary (see Sources/EmbedGenerator).
#ifndef CEMBEDDED_H
#define CEMBEDDED_H

typedef struct {
    const char *path;            // relative to Resources/, e.g. "static/app.css"
    const unsigned char *bytes;  // the file's bytes, in read-only memory for the process's life
    unsigned long size;
} labbox_embedded_file;

extern const labbox_embedded_file labbox_embedded_files[];
extern const unsigned long labbox_embedded_file_count;
extern const char labbox_embedded_commit[];
extern const char labbox_embedded_commit_date[];

// Accessors: Swift imports an array of unknown size poorly, a function returning its start well.
static inline const labbox_embedded_file *labbox_embedded_table(void) { return labbox_embedded_files; }
static inline unsigned long labbox_embedded_count(void) { return labbox_embedded_file_count; }
static inline const char *labbox_embedded_commit_id(void) { return labbox_embedded_commit; }
static inline const char *labbox_embedded_commit_time(void) { return labbox_embedded_commit_date; }

#endif
