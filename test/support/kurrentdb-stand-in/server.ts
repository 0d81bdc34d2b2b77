/**
 * A stand-in for a KurrentDB node, small enough to read: the gRPC services the Dateline adapter
 * uses (server features, Streams.Read for reads and subscriptions, Streams.BatchAppend), served from
 * the client's own generated protocol code on 127.0.0.1, behind a TCP proxy that counts connections
 * and can cut or swallow them. Faults are queued per call so a test can say "the next append is
 * answered 'Server Is Not Ready'".
 *
 * Answers follow the KurrentDB server source (v24.10–v26.1): not-handled appends in a batch come back
 * as a status with a bare google.protobuf.Empty detail, commit timeouts as an
 * event_store.client.Timeout detail, conflicts as event_store.client.WrongExpectedVersion, a follower
 * refuses leader-only calls with NOT_FOUND and the leader's endpoint in the trailers.
 */
import { type AddressInfo, createServer, type Server as NetServer, type Socket, connect } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import streamsGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb.js';
import streamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';
import sharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import statusPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/status_pb.js';
import codePb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/code_pb.js';
import featuresGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb.js';
import featuresPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb.js';
import gossipGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/gossip_grpc_pb.js';
import gossipPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/gossip_pb.js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import { type Expected, type Proposed, StandInLog, type StoredEvent } from './log.js';

type ReadReq = InstanceType<typeof streamsPb.ReadReq>;
type ReadResp = InstanceType<typeof streamsPb.ReadResp>;
type BatchAppendReq = InstanceType<typeof streamsPb.BatchAppendReq>;
type BatchAppendResp = InstanceType<typeof streamsPb.BatchAppendResp>;
type Filter = InstanceType<typeof streamsPb.ReadReq.Options.FilterOptions>;

/** How the next append is answered instead of committing it. */
export type AppendFault =
  | 'not-ready' // elections, start-up: "Server Is Not Ready"
  | 'busy' // "Server Is Busy"
  | 'no-leader' // a follower that knows no leader yet
  | 'commit-timeout' // the cluster did not acknowledge in time: outcome unknown
  | 'commit-then-timeout' // written, but the acknowledgement was lost (timeout answered)
  | 'commit-then-cut' // written, then the connection broke before the answer (a node restart)
  | 'no-answer' // the node never answers
  | 'not-leader'; // a follower naming the leader: the whole append stream fails

/** How the next read (not a subscription) is answered instead of serving it. */
export type ReadFault = 'no-answer' | 'unavailable';

export interface RecordedCall {
  readonly method: string;
  readonly requiresLeader: boolean;
  readonly connectionName: string | undefined;
  /** For reads: which stream, or '$all'. */
  readonly target?: string;
  /** When the call arrived (Date.now()). */
  readonly at: number;
}

interface LiveSubscription {
  readonly call: grpc.ServerWritableStream<ReadReq, ReadResp>;
  readonly filter: Filter | undefined;
  after: bigint;
}

const LEADER_ONLY_EXCEPTION = 'not-leader';

export class KurrentDbStandIn {
  readonly log = new StandInLog();
  readonly calls: RecordedCall[] = [];
  readonly appendFaults: AppendFault[] = [];
  readonly readFaults: ReadFault[] = [];
  /** When set, this node is a follower: leader-only calls are refused with this leader's endpoint. */
  leader: { host: string; port: number } | undefined;
  /** Whether gossip (cluster discovery) answers; when it does, this node is the cluster's only member, the leader. */
  gossipAnswers = true;
  private readonly subscriptions = new Set<LiveSubscription>();
  private readonly unanswered = new Set<{ cancel: () => void }>();
  private readonly sockets = new Set<Socket>();
  private connectionsOpened = 0;
  private swallow = false;

  private constructor(
    private readonly grpcServer: grpc.Server,
    private readonly proxy: NetServer,
  ) {}

  /** Starts a node; `port` reuses a known port (a node coming back where clients expect it). */
  static async start(port = 0): Promise<KurrentDbStandIn> {
    const grpcServer = new grpc.Server();
    const upstream = await new Promise<number>((resolve, reject) => {
      grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
        if (error) reject(error);
        else resolve(port);
      });
    });
    const proxy = createServer();
    const standIn = new KurrentDbStandIn(grpcServer, proxy);
    standIn.serve();
    proxy.on('connection', (socket) => {
      standIn.accept(socket, upstream);
    });
    await new Promise<void>((resolve, reject) => {
      proxy.once('error', reject);
      proxy.listen(port, '127.0.0.1', resolve);
    });
    return standIn;
  }

  get port(): number {
    return (this.proxy.address() as AddressInfo).port;
  }

  /**
   * A single-node connection string for this stand-in; extra options are appended as given. The read
   * bridge waits `discoveryInterval` (500 ms by default) before its first connection: 20 ms keeps tests quick.
   */
  connectionString(options = ''): string {
    return `kurrentdb://127.0.0.1:${this.port}?tls=false&discoveryInterval=20${options ? `&${options}` : ''}`;
  }

  /** TCP connections clients hold open to the node right now. */
  openConnections(): number {
    return this.sockets.size;
  }

  /** TCP connections clients opened since the start. */
  totalConnections(): number {
    return this.connectionsOpened;
  }

  /** Distinct clients (by the connection name every call carries) that made calls of a method. */
  clientsCalling(method: string): number {
    return new Set(this.calls.filter((c) => c.method === method).map((c) => c.connectionName)).size;
  }

  liveSubscriptions(): number {
    return this.subscriptions.size;
  }

  /** Ends every live subscription as a node restart or a leader change does. */
  dropSubscriptions(): void {
    for (const subscription of [...this.subscriptions]) {
      this.subscriptions.delete(subscription);
      subscription.call.emit('error', {
        code: grpc.status.UNAVAILABLE,
        details: 'Server is shutting down',
      } satisfies Partial<grpc.StatusObject>);
    }
  }

  /** From now on the node accepts connections and swallows everything (a hung node, a black-holed network). */
  hang(): void {
    this.swallow = true;
    for (const socket of this.sockets) socket.unpipe();
  }

  /** The node answers again; connections swallowed while it hung are closed, as a peer reset would. */
  resume(): void {
    this.swallow = false;
    this.cutConnections();
  }

  /** Closes every client connection at once (a network cut). */
  cutConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    for (const call of this.unanswered) call.cancel();
    this.cutConnections();
    await new Promise<void>((resolve) => this.proxy.close(() => resolve()));
    this.grpcServer.forceShutdown();
  }

  private accept(client: Socket, upstream: number): void {
    this.connectionsOpened += 1;
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => undefined);
    if (this.swallow) return;
    const server = connect(upstream, '127.0.0.1');
    server.on('error', () => client.destroy());
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
    client.pipe(server);
    server.pipe(client);
  }

  private serve(): void {
    this.grpcServer.addService(featuresGrpc.ServerFeaturesService, {
      getSupportedMethods: (
        call: grpc.ServerUnaryCall<unknown, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        this.record('features', call.metadata);
        const methods = ['read', 'batchappend', 'append'].map((name) => {
          const method = new featuresPb.SupportedMethod();
          method.setServiceName('event_store.client.streams.streams');
          method.setMethodName(name);
          return method;
        });
        const supported = new featuresPb.SupportedMethods();
        supported.setMethodsList(methods);
        supported.setEventStoreServerVersion('26.0.2');
        callback(null, supported);
      },
    });
    this.grpcServer.addService(gossipGrpc.GossipService, {
      read: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        this.record('gossip', call.metadata);
        if (!this.gossipAnswers) {
          callback({ code: grpc.status.UNAVAILABLE, details: 'gossip is not answering' });
          return;
        }
        const endpoint = new gossipPb.EndPoint();
        endpoint.setAddress('127.0.0.1');
        endpoint.setPort(this.port);
        const member = new gossipPb.MemberInfo();
        const id = new sharedPb.UUID();
        id.setString('00000000-0000-4000-8000-00000000ad00');
        member.setInstanceId(id);
        member.setTimeStamp(String(Date.now()));
        member.setState(gossipPb.MemberInfo.VNodeState.LEADER);
        member.setIsAlive(true);
        member.setHttpEndPoint(endpoint);
        const info = new gossipPb.ClusterInfo();
        info.setMembersList([member]);
        callback(null, info);
      },
    });
    this.grpcServer.addService(streamsGrpc.StreamsService, {
      read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => {
        this.read(call);
      },
      batchAppend: (call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => {
        this.batchAppend(call);
      },
    });
  }

  private record(method: string, metadata: grpc.Metadata, target?: string): RecordedCall {
    const call = {
      method,
      requiresLeader: metadata.get('requires-leader')[0] === 'true',
      connectionName: metadata.get('connection-name')[0]?.toString(),
      ...(target === undefined ? {} : { target }),
      at: Date.now(),
    };
    this.calls.push(call);
    return call;
  }

  /** A follower refuses what must run on the leader, as KurrentDB's RpcExceptions.LeaderInfo does. */
  private notLeader(): Partial<grpc.StatusObject> & { metadata: grpc.Metadata } {
    const metadata = new grpc.Metadata();
    metadata.set('exception', LEADER_ONLY_EXCEPTION);
    metadata.set('leader-endpoint-host', this.leader?.host ?? '');
    metadata.set('leader-endpoint-port', String(this.leader?.port ?? 0));
    return { code: grpc.status.NOT_FOUND, details: 'Leader info available', metadata };
  }

  private read(call: grpc.ServerWritableStream<ReadReq, ReadResp>): void {
    const options = call.request.getOptions();
    if (!options) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'no options' });
      return;
    }
    const streamOptions = options.getStream();
    const target = streamOptions
      ? Buffer.from(streamOptions.getStreamIdentifier()?.getStreamName_asU8() ?? []).toString('utf8')
      : '$all';
    const subscription = options.hasSubscription();
    const recorded = this.record(subscription ? 'subscribe' : 'read', call.metadata, target);
    if (recorded.requiresLeader && this.leader) {
      call.emit('error', this.notLeader());
      return;
    }
    if (subscription) {
      this.subscribe(call, options);
      return;
    }
    const fault = this.readFaults.shift();
    if (fault === 'no-answer') {
      this.hold(call);
      return;
    }
    if (fault === 'unavailable') {
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'Server Is Not Ready' });
      return;
    }
    const count = Number(options.getCount());
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
    if (streamOptions) {
      const events = this.log.stream(target);
      if (!events) {
        const notFound = new streamsPb.ReadResp.StreamNotFound();
        notFound.setStreamIdentifier(streamIdentifier(target));
        const resp = new streamsPb.ReadResp();
        resp.setStreamNotFound(notFound);
        call.write(resp);
        call.end();
        return;
      }
      const from = streamOptions.hasRevision()
        ? Number(streamOptions.getRevision())
        : streamOptions.hasEnd()
          ? events.length - 1
          : 0;
      const selected = backwards ? events.slice(0, from + 1).reverse() : events.slice(from);
      for (const event of selected.slice(0, count)) call.write(readResp(event));
      call.end();
      return;
    }
    const all = options.getAll();
    const filter = options.getFilter();
    const records = this.log.records;
    let selected: StoredEvent[];
    if (backwards) {
      const before = all?.hasPosition() ? BigInt(all.getPosition()?.getCommitPosition() ?? '0') : undefined;
      selected = records.filter((r) => before === undefined || r.position < before).reverse();
    } else {
      const from = all?.hasPosition() ? BigInt(all.getPosition()?.getCommitPosition() ?? '0') : -1n;
      selected = records.filter((r) => r.position >= from);
    }
    let sent = 0;
    for (const event of selected) {
      if (sent >= count) break;
      if (!matches(filter, event)) continue;
      call.write(readResp(event));
      sent += 1;
    }
    call.end();
  }

  private subscribe(
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    options: ReadReq['getOptions'] extends () => infer O ? NonNullable<O> : never,
  ): void {
    const all = options.getAll();
    const after = all?.hasPosition() ? BigInt(all.getPosition()?.getCommitPosition() ?? '0') : -1n;
    const subscription: LiveSubscription = { call, filter: options.getFilter(), after };
    const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(`stand-in-${this.calls.length}`);
    const confirm = new streamsPb.ReadResp();
    confirm.setConfirmation(confirmation);
    call.write(confirm);
    this.subscriptions.add(subscription);
    call.on('cancelled', () => this.subscriptions.delete(subscription));
    call.on('close', () => this.subscriptions.delete(subscription));
    this.deliver(subscription, this.log.records);
  }

  private deliver(subscription: LiveSubscription, records: readonly StoredEvent[]): void {
    for (const event of records) {
      if (event.position <= subscription.after) continue;
      subscription.after = event.position;
      if (matches(subscription.filter, event)) subscription.call.write(readResp(event));
    }
  }

  private batchAppend(call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
    this.record('append', call.metadata);
    const pending = new Map<
      string,
      { options?: BatchAppendReq['getOptions'] extends () => infer O ? O : never; messages: Proposed[] }
    >();
    call.on('data', (request: BatchAppendReq) => {
      const correlation = request.getCorrelationId()?.getString() ?? '';
      let entry = pending.get(correlation);
      if (!entry) {
        entry = { messages: [] };
        pending.set(correlation, entry);
      }
      if (request.hasOptions()) entry.options = request.getOptions();
      for (const message of request.getProposedMessagesList()) {
        const metadata = message.getMetadataMap();
        entry.messages.push({
          id: message.getId()?.getString() ?? '',
          type: metadata.get('type') ?? '',
          contentType: metadata.get('content-type') ?? 'application/octet-stream',
          data: message.getData_asU8(),
          metadata: message.getCustomMetadata_asU8(),
        });
      }
      if (!request.getIsFinal()) return;
      pending.delete(correlation);
      this.answerAppend(call, correlation, entry.options, entry.messages);
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  }

  private answerAppend(
    call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>,
    correlation: string,
    options: InstanceType<typeof streamsPb.BatchAppendReq.Options> | undefined,
    messages: readonly Proposed[],
  ): void {
    const stream = Buffer.from(options?.getStreamIdentifier()?.getStreamName_asU8() ?? []).toString('utf8');
    const resp = new streamsPb.BatchAppendResp();
    const id = new sharedPb.UUID();
    id.setString(correlation);
    resp.setCorrelationId(id);
    resp.setStreamIdentifier(streamIdentifier(stream));
    const fault = this.appendFaults.shift();
    switch (fault) {
      case 'no-answer':
        this.hold(call);
        return;
      case 'not-leader':
        call.emit('error', this.notLeader());
        return;
      case 'not-ready':
      case 'busy':
      case 'no-leader':
        resp.setError(
          status(
            // The server leaves the code unset (OK) on a not-handled batch append: only the text says why.
            codePb.Code.OK,
            {
              'not-ready': 'Server Is Not Ready',
              busy: 'Server Is Busy',
              'no-leader': 'No leader info available in response',
            }[fault],
            new emptyPb.Empty(),
            'google.protobuf.Empty',
          ),
        );
        call.write(resp);
        return;
      case 'commit-timeout':
        resp.setError(commitTimeout());
        call.write(resp);
        return;
      default:
        break;
    }
    const outcome = this.log.commit(stream, expectedOf(options), messages);
    if (fault === 'commit-then-cut') {
      this.cutConnections();
      return;
    }
    if (fault === 'commit-then-timeout') {
      resp.setError(commitTimeout());
    } else if (outcome.kind === 'wrong_expected_version') {
      const detail = new sharedPb.WrongExpectedVersion();
      if (outcome.current < 0n) detail.setCurrentNoStream(new emptyPb.Empty());
      else detail.setCurrentStreamRevision(String(outcome.current));
      const expected = expectedOf(options);
      if (expected.kind === 'revision') detail.setExpectedStreamPosition(String(expected.revision));
      else if (expected.kind === 'any') detail.setExpectedAny(new emptyPb.Empty());
      else if (expected.kind === 'stream_exists') detail.setExpectedStreamExists(new emptyPb.Empty());
      else detail.setExpectedNoStream(new emptyPb.Empty());
      resp.setError(
        status(
          codePb.Code.ALREADY_EXISTS,
          'WrongExpectedVersion',
          detail,
          'event_store.client.WrongExpectedVersion',
        ),
      );
    } else {
      const success = new streamsPb.BatchAppendResp.Success();
      success.setCurrentRevision(String(outcome.last.revision));
      const position = new sharedPb.AllStreamPosition();
      position.setCommitPosition(String(outcome.last.position));
      position.setPreparePosition(String(outcome.last.position));
      success.setPosition(position);
      resp.setSuccess(success);
    }
    call.write(resp);
    if (outcome.kind === 'written') {
      const written = this.log.records.filter((r) => r.position <= outcome.last.position);
      for (const subscription of this.subscriptions) this.deliver(subscription, written);
    }
  }

  /** Leaves a call unanswered until the stand-in stops. */
  private hold(call: {
    cancelled?: boolean;
    end: () => void;
    emit: (event: string, value: unknown) => boolean;
  }): void {
    const entry = {
      cancel: () => {
        call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'stand-in stopped' });
      },
    };
    this.unanswered.add(entry);
  }
}

function streamIdentifier(name: string): InstanceType<typeof sharedPb.StreamIdentifier> {
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(name, 'utf8'));
  return identifier;
}

function status(
  code: codePb.Code,
  message: string,
  detail: { serializeBinary(): Uint8Array },
  typeName: string,
): InstanceType<typeof statusPb.Status> {
  const any = new anyPb.Any();
  any.pack(detail.serializeBinary(), typeName);
  const result = new statusPb.Status();
  result.setCode(code);
  result.setMessage(message);
  result.setDetails(any);
  return result;
}

/** KurrentDB's answer when the cluster did not acknowledge a write in time (Status.Timeout). */
function commitTimeout(): InstanceType<typeof statusPb.Status> {
  return status(
    codePb.Code.DEADLINE_EXCEEDED,
    'Timeout',
    new sharedPb.Timeout(),
    'event_store.client.Timeout',
  );
}

function expectedOf(options: InstanceType<typeof streamsPb.BatchAppendReq.Options> | undefined): Expected {
  if (options?.hasStreamPosition())
    return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
  if (options?.hasNoStream()) return { kind: 'no_stream' };
  if (options?.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function matches(filter: Filter | undefined, event: StoredEvent): boolean {
  if (!filter) return true;
  const expression = filter.getStreamIdentifier() ?? filter.getEventType();
  if (!expression) return true;
  const subject = filter.hasStreamIdentifier() ? event.stream : event.type;
  const regex = expression.getRegex();
  if (regex) return new RegExp(regex).test(subject);
  return expression.getPrefixList().some((prefix) => subject.startsWith(prefix));
}

function readResp(event: StoredEvent): ReadResp {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  const id = new sharedPb.UUID();
  id.setString(event.id);
  recorded.setId(id);
  recorded.setStreamIdentifier(streamIdentifier(event.stream));
  recorded.setStreamRevision(String(event.revision));
  recorded.setPreparePosition(String(event.position));
  recorded.setCommitPosition(String(event.position));
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    // Ticks (100 ns) since the Unix epoch, as the gRPC API sends `created`.
    .set('created', String(BigInt(Date.now()) * 10_000n));
  recorded.setCustomMetadata(event.metadata);
  recorded.setData(event.data);
  const read = new streamsPb.ReadResp.ReadEvent();
  read.setEvent(recorded);
  read.setCommitPosition(String(event.position));
  const resp = new streamsPb.ReadResp();
  resp.setEvent(read);
  return resp;
}
