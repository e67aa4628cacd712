// The OpenAPI 3 description served at /api/openapi.json.

const span = { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2, description: '[start, end) in Unicode code points' };
const error = {
  description: 'What is wrong with the request',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const json = (ref: string, description = 'OK') => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const idParam = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const viewParam = {
  name: 'view',
  in: 'query',
  schema: { type: 'string', enum: ['original', 'clean'], default: 'original' },
  description: 'which text "text" is and spans index: the original as received (default), or the cleaned text (main text only, encoding repaired)',
};

export const openapi = {
  openapi: '3.0.3',
  info: {
    title: 'reprint',
    version: '0.1.0',
    description:
      'Find where text came from, who reused it, and what they changed. Every span is [start, end) in Unicode code points of the original text of the document it belongs to (for a trace: of the posted text). Writes need "Authorization: Bearer TOKEN" when the server was started with a token.',
  },
  paths: {
    '/api/health': { get: { summary: 'Liveness and number of documents', responses: { 200: json('Health') } } },
    '/api/documents': {
      get: {
        summary: 'List stored documents',
        parameters: [
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        ],
        responses: { 200: json('DocumentList'), 400: error },
      },
      post: {
        summary: 'Add documents',
        description:
          'A JSON document object or an array of them; a JSONL batch (application/x-ndjson, one object per line); multipart/form-data with one or more files (.txt .md .html, or .jsonl/.ndjson[.gz] batches; field name "file" or "files"); or text/plain with ?id=. Bad items are reported in "problems" and skipped; the rest are added. 201 when at least one document was added, 400 when none was valid, 409 when all were already stored.',
        security: [{}, { bearer: [] }],
        parameters: [{ name: 'id', in: 'query', schema: { type: 'string' }, description: 'document id for a text/plain body' }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { oneOf: [{ $ref: '#/components/schemas/NewDocument' }, { type: 'array', items: { $ref: '#/components/schemas/NewDocument' } }] },
            },
            'application/x-ndjson': { schema: { type: 'string', description: 'one NewDocument JSON object per line' } },
            'multipart/form-data': {
              schema: { type: 'object', properties: { file: { type: 'array', items: { type: 'string', format: 'binary' } } } },
            },
            'text/plain': { schema: { type: 'string' } },
          },
        },
        responses: {
          201: json('AddResult', 'Documents added'),
          400: { description: 'No valid document', content: { 'application/json': { schema: { $ref: '#/components/schemas/AddResult' } } } },
          401: error,
          409: { description: 'Every document was already stored', content: { 'application/json': { schema: { $ref: '#/components/schemas/AddResult' } } } },
          413: error,
          415: error,
        },
      },
    },
    '/api/documents/{id}': {
      get: { summary: 'One document with its original text', parameters: [idParam('id', 'document id'), viewParam], responses: { 200: json('Document'), 404: error } },
    },
    '/api/documents/{id}/pairs': {
      get: {
        summary: 'The pairs a document takes part in (as source or derived) and its story',
        parameters: [idParam('id', 'document id')],
        responses: {
          200: {
            description: 'OK',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    story: { type: 'string', nullable: true },
                    pairs: { type: 'array', items: { type: 'object', description: 'like Story.edges, without "lineage"' } },
                  },
                },
              },
            },
          },
          404: error,
        },
      },
    },
    '/api/trace': {
      post: {
        summary: 'Where did this text come from?',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['text'],
                properties: {
                  text: { type: 'string' },
                  limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
                  format: { type: 'string', enum: ['text', 'markdown', 'html'] },
                  view: { type: 'string', enum: ['original', 'clean'], default: 'original', description: '"clean": spans index the cleaned texts, and the answer carries the cleaned posted text as queryText' },
                },
              },
            },
          },
        },
        responses: { 200: json('Trace', 'Sources, best first'), 400: error, 413: error, 415: error },
      },
    },
    '/api/stories': {
      get: {
        summary: 'Stories: groups of documents linked by reuse, largest first',
        parameters: [
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100000, default: 1000 } },
        ],
        responses: { 200: json('StoryList'), 400: error },
      },
    },
    '/api/stories/{id}': {
      get: { summary: 'One story with its lineage', parameters: [idParam('id', 'story id, e.g. story-1')], responses: { 200: json('Story'), 404: error } },
    },
    '/api/pairs/{source}/{derived}': {
      get: {
        summary: 'One pair side by side: both texts, aligned passages, word-level edits, boilerplate',
        description: 'Either order may be asked; the answer is oriented as the scan decided (source first). A pair the scan did not find is aligned on request ("found": false).',
        parameters: [idParam('source', 'document id'), idParam('derived', 'document id'), viewParam],
        responses: { 200: json('Pair'), 404: error },
      },
    },
    '/api/openapi.json': { get: { summary: 'This description', responses: { 200: { description: 'OpenAPI 3 document' } } } },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Span: span,
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, problems: { type: 'array', items: { $ref: '#/components/schemas/Problem' } } } },
      Problem: {
        type: 'object',
        required: ['input', 'reason'],
        properties: { input: { type: 'string' }, where: { type: 'string' }, reason: { type: 'string' } },
      },
      Health: { type: 'object', properties: { ok: { type: 'boolean' }, documents: { type: 'integer' } } },
      NewDocument: {
        type: 'object',
        required: ['id', 'text'],
        properties: {
          id: { type: 'string', maxLength: 512 },
          text: { type: 'string' },
          url: { type: 'string', format: 'uri' },
          title: { type: 'string' },
          date: { type: 'string', description: 'ISO 8601 publication date' },
          site: { type: 'string' },
          author: { type: 'string' },
          format: { type: 'string', enum: ['text', 'markdown', 'html'] },
        },
      },
      AddResult: {
        type: 'object',
        properties: {
          added: { type: 'array', items: { type: 'string' } },
          problems: { type: 'array', items: { $ref: '#/components/schemas/Problem' } },
          documents: { type: 'integer', description: 'documents stored now' },
          error: { type: 'string' },
        },
      },
      DocSummary: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          site: { type: 'string' },
          date: { type: 'string' },
          url: { type: 'string' },
          chars: { type: 'integer' },
        },
      },
      DocumentList: { type: 'object', properties: { total: { type: 'integer' }, documents: { type: 'array', items: { $ref: '#/components/schemas/DocSummary' } } } },
      Document: {
        allOf: [
          { $ref: '#/components/schemas/DocSummary' },
          {
            type: 'object',
            properties: {
              view: { type: 'string', enum: ['original', 'clean'] },
              path: { type: 'string' },
              text: { type: 'string', description: 'original text (cleaned text for view "clean")' },
              boilerplate: { type: 'array', items: span },
              outside: { type: 'array', items: span, description: 'parts the cleaner left out (markup)' },
              repairs: { type: 'array', items: { type: 'object' } },
              encoding: { type: 'string' },
              warnings: { type: 'array', items: { type: 'string' } },
            },
          },
        ],
      },
      Trace: {
        type: 'object',
        required: ['sources'],
        properties: {
          view: { type: 'string', enum: ['original', 'clean'] },
          chars: { type: 'integer' },
          queryText: { type: 'string', description: 'view "clean" only: the cleaned posted text' },
          sources: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'queryCoverage', 'sourceCoverage', 'passages'],
              properties: {
                id: { type: 'string' },
                title: { type: 'string' },
                site: { type: 'string' },
                date: { type: 'string' },
                queryCoverage: { type: 'number', description: 'share of the posted text found in this source' },
                sourceCoverage: { type: 'number', description: 'share of this source found in the posted text' },
                passages: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['query', 'source', 'kind'],
                    properties: {
                      query: span,
                      source: span,
                      kind: { type: 'string', enum: ['verbatim', 'edited', 'paraphrase'] },
                      similarity: { type: 'number' },
                      edits: { type: 'array', items: { type: 'object', properties: { op: { type: 'string', enum: ['insert', 'delete', 'replace'] }, query: span, source: span } } },
                    },
                  },
                },
              },
            },
          },
        },
      },
      StorySummary: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          root: { type: 'string' },
          size: { type: 'integer' },
          firstSeen: { type: 'string', nullable: true },
          sites: { type: 'array', items: { type: 'string' } },
          related: { type: 'integer' },
        },
      },
      StoryList: { type: 'object', properties: { total: { type: 'integer' }, stories: { type: 'array', items: { $ref: '#/components/schemas/StorySummary' } } } },
      Story: {
        allOf: [
          { $ref: '#/components/schemas/StorySummary' },
          {
            type: 'object',
            properties: {
              parents: { type: 'object', additionalProperties: { type: 'string' } },
              members: { type: 'array', items: { type: 'object', description: 'DocSummary + parent, depth, reuse (share of the parent reused), relation' } },
              relatedDocs: { type: 'array', items: { $ref: '#/components/schemas/DocSummary' } },
              edges: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    source: { type: 'string' },
                    derived: { type: 'string' },
                    relation: { type: 'string' },
                    reuse: { type: 'number', description: 'share of the source reused by the derived document' },
                    sourceCoverage: { type: 'number' },
                    derivedCoverage: { type: 'number' },
                    confidence: { type: 'number' },
                    evidence: { type: 'array', items: { type: 'string' } },
                    lineage: { type: 'boolean' },
                  },
                },
              },
            },
          },
        ],
      },
      Pair: {
        type: 'object',
        properties: {
          source: { $ref: '#/components/schemas/Document' },
          derived: { $ref: '#/components/schemas/Document' },
          relation: { type: 'string', nullable: true },
          found: { type: 'boolean' },
          sourceCoverage: { type: 'number' },
          derivedCoverage: { type: 'number' },
          direction: { type: 'object', properties: { confidence: { type: 'number' }, evidence: { type: 'array', items: { type: 'string' } } } },
          passages: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                source: span,
                derived: span,
                similarity: { type: 'number' },
                kind: { type: 'string' },
                edits: { type: 'array', items: { type: 'object', properties: { op: { type: 'string' }, source: span, derived: span } } },
              },
            },
          },
          changes: { type: 'array', description: 'what the derived document changed, most important first', items: { $ref: '#/components/schemas/Change' } },
        },
      },
      Change: {
        type: 'object',
        required: ['kind', 'source', 'derived', 'explanation'],
        properties: {
          kind: {
            type: 'string',
            enum: ['speaker changed', 'quote altered', 'fact changed', 'claim changed', 'quote truncated', 'quote dropped', 'attribution dropped', 'new quote', 'quote punctuation', 'framing added'],
          },
          source: { ...span, nullable: true, description: 'span in the source; null when it has no counterpart (new quote, framing)' },
          derived: { ...span, nullable: true, description: 'span in the derived document; null when it has none (dropped quote or credit)' },
          explanation: { type: 'string', description: 'one line for a person' },
          before: { type: 'string' },
          after: { type: 'string' },
          speaker: { type: 'string' },
          newSpeaker: { type: 'string' },
          words: { type: 'array', description: 'quote altered/truncated: the word diff', items: { type: 'object', properties: { op: { type: 'string' }, source: span, derived: span } } },
          negation: { type: 'boolean' },
          tracedTo: { type: 'string', description: 'new quote: another scanned document that holds it' },
          share: { type: 'number', description: "framing added: this part's share of the derived document's words" },
          where: { type: 'string', enum: ['before', 'between', 'after'] },
        },
      },
    },
  },
};
