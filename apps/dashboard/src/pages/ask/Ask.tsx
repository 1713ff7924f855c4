import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { data } from '../../api/client';
import { postStream } from '../../api/events';
import { openOriginal } from '../../api/originals';
import type { Problem } from '../../api/problem';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useSession } from '../../session';
import { asProblem, useResource } from '../../useResource';
import { parts, where, type Answer, type Passage } from './answer';

interface Turn {
  question: string;
  answer: Answer;
}

/** Ask: a chat over the documents, answers streamed with numbered citations; the conversations. */
export function Ask() {
  const { t, i18n } = useTranslation();
  const { api, token } = useSession();
  const { conversationId } = useParams();
  const navigate = useNavigate();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [question, setQuestion] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [open, setOpen] = useState<Passage | null>(null);
  const streaming = useRef<AbortController | null>(null);
  const conversations = useResource(
    () => data(api.GET('/api/v1/copilot/conversations', { params: { query: { limit: 50 } } })),
    [api],
  );

  // an earlier conversation: its questions and answers as stored
  useEffect(() => {
    if (!conversationId) {
      setTurns([]);
      return;
    }
    if (streaming.current) {
      return; // the conversation this page just started: its turns are here already
    }
    data(api.GET('/api/v1/copilot/conversations/{id}', { params: { path: { id: conversationId } } }))
      .then((c) => {
        const loaded: Turn[] = [];
        for (const m of c.messages ?? []) {
          if (m.role === 'user') {
            loaded.push({ question: m.content ?? '', answer: { text: '', sources: [], citations: [], done: false } });
          } else if (loaded.length > 0) {
            loaded[loaded.length - 1].answer = {
              text: m.content ?? '',
              sources: (m.sources as unknown as Passage[]) ?? [],
              citations: (m.citations as unknown as Passage[]) ?? [],
              abstained: m.abstained,
              answerer: m.answerer,
              done: true,
            };
          }
        }
        setTurns(loaded);
      })
      .catch((e: unknown) => setProblem(asProblem(e)));
  }, [api, conversationId]);

  useEffect(() => () => streaming.current?.abort(), []);

  async function ask(e: FormEvent) {
    e.preventDefault();
    const asked = question.trim();
    if (!asked || busy) {
      return;
    }
    setQuestion('');
    setProblem(null);
    setBusy(true);
    const index = turns.length;
    const update = (change: (a: Answer) => Answer) =>
      setTurns((all) => all.map((turn, i) => (i === index ? { ...turn, answer: change(turn.answer) } : turn)));
    setTurns((all) => [...all, { question: asked, answer: { text: '', sources: [], citations: [], done: false } }]);
    const abort = new AbortController();
    streaming.current = abort;
    try {
      await postStream(
        '/api/v1/copilot/ask',
        token(),
        { question: asked, ...(conversationId && { conversationId }) },
        {
          sources: (json) => update((a) => ({ ...a, sources: (JSON.parse(json) as { sources: Passage[] }).sources })),
          delta: (json) => update((a) => ({ ...a, text: a.text + (JSON.parse(json) as { text: string }).text })),
          citation: (json) =>
            update((a) => ({ ...a, citations: [...a.citations, (JSON.parse(json) as { citation: Passage }).citation] })),
          done: (json) => {
            const done = JSON.parse(json) as {
              conversationId: string;
              answer: string;
              abstained: boolean;
              citations: Passage[];
              answerer: string;
              notice?: string | null;
            };
            update((a) => ({
              ...a,
              text: done.answer,
              citations: done.citations,
              abstained: done.abstained,
              answerer: done.answerer,
              notice: done.notice,
              done: true,
            }));
            if (done.conversationId !== conversationId) {
              navigate(`/ask/${done.conversationId}`, { replace: !conversationId });
            }
            conversations.reload();
          },
          error: (json) => setProblem({ title: 'error', status: 500, ...(JSON.parse(json) as Partial<Problem>) }),
        },
        abort.signal,
      );
    } catch (failure) {
      setProblem(asProblem(failure));
      setTurns((all) => all.filter((_, i) => i !== index || all[i].answer.text !== ''));
    } finally {
      streaming.current = null;
      setBusy(false);
    }
  }

  async function original(p: Passage) {
    const refused = await openOriginal(p.documentId, p.title, token());
    if (refused) {
      setProblem(refused);
    }
  }

  return (
    <div className="ask">
      <aside className="conversations" aria-labelledby="conversations-title">
        <h2 id="conversations-title">{t('ask.conversations')}</h2>
        <button type="button" onClick={() => navigate('/ask')}>
          {t('ask.new')}
        </button>
        {conversations.problem && <ProblemMessage problem={conversations.problem} onRetry={conversations.reload} />}
        <ul className="list">
          {conversations.data?.items?.map((c) => (
            <li key={c.id}>
              <a href={`/ask/${c.id}`} aria-current={c.id === conversationId ? 'page' : undefined} onClick={(e) => {
                e.preventDefault();
                navigate(`/ask/${c.id}`);
              }}>
                {c.title}
              </a>
              <span className="doc-meta">{c.updatedAt && new Date(c.updatedAt).toLocaleDateString(i18n.language)}</span>
            </li>
          ))}
        </ul>
      </aside>
      <section className="chat" aria-labelledby="ask-title">
        <h1 id="ask-title">{t('ask.title')}</h1>
        <ol className="turns" aria-live="polite">
          {turns.map((turn, i) => (
            <li key={i} className="turn">
              <p className="question">
                <span className="visually-hidden">{t('ask.you')}: </span>
                {turn.question}
              </p>
              <AnswerView answer={turn.answer} onCite={setOpen} />
            </li>
          ))}
        </ol>
        {problem && <ProblemMessage problem={problem} />}
        <form onSubmit={ask} className="ask-form">
          <label htmlFor="question">{turns.length > 0 ? t('ask.followUp') : t('ask.question')}</label>
          <textarea
            id="question"
            value={question}
            maxLength={2000}
            rows={2}
            onChange={(e) => setQuestion(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
          <button type="submit" className="primary" disabled={busy || !question.trim()}>
            {busy ? t('ask.answering') : t('ask.submit')}
          </button>
        </form>
      </section>
      <PassageDialog passage={open} onClose={() => setOpen(null)} onOpen={original} />
    </div>
  );
}

function AnswerView({ answer, onCite }: { answer: Answer; onCite: (p: Passage) => void }) {
  const { t } = useTranslation();
  const cited = new Map(answer.citations.map((c) => [c.n, c]));
  const source = (n: number) => cited.get(n) ?? answer.sources.find((s) => s.n === n);
  if (!answer.done && answer.text === '') {
    return (
      <p className="answer pending" role="status">
        {t('ask.thinking')}
      </p>
    );
  }
  return (
    <div className={answer.abstained ? 'answer abstained' : 'answer'} data-done={answer.done}>
      {answer.abstained && <p className="abstained-title">{t('ask.abstained')}</p>}
      <p>
        {parts(answer.text, (n) => source(n) !== undefined).map((part, i) =>
          'cite' in part ? (
            <button
              key={i}
              type="button"
              className="cite"
              onClick={() => onCite(source(part.cite)!)}
              aria-label={t('ask.cite', { n: part.cite, title: source(part.cite)!.title })}
            >
              {part.cite}
            </button>
          ) : (
            <span key={i}>{part.text}</span>
          ),
        )}
      </p>
      {answer.abstained && answer.sources.length > 0 && (
        <>
          <p>{t('ask.closest')}</p>
          <ul className="list">
            {answer.sources.map((s) => (
              <li key={s.n}>
                <button type="button" className="link" onClick={() => onCite(s)}>
                  {s.title}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {answer.notice && <p className="doc-meta">{answer.notice}</p>}
    </div>
  );
}

/** The cited passage with its document and place, and the way to the original. */
function PassageDialog({
  passage,
  onClose,
  onOpen,
}: {
  passage: Passage | null;
  onClose: () => void;
  onOpen: (p: Passage) => void;
}) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) {
      return;
    }
    if (passage && !d.open) {
      d.showModal?.();
    } else if (!passage && d.open) {
      d.close();
    }
  }, [passage]);
  return (
    <dialog ref={dialog} className="passage" aria-labelledby="passage-title" onClose={onClose}>
      {passage && (
        <>
          <h2 id="passage-title">
            [{passage.n}] {passage.title}
          </h2>
          <p className="doc-meta">{where(passage, t)}</p>
          <blockquote>{passage.quote ?? passage.text}</blockquote>
          <div className="actions">
            <button type="button" onClick={() => onOpen(passage)}>
              {t('ask.original')}
            </button>
            <button type="button" className="primary" onClick={onClose}>
              {t('ask.close')}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
