// The careers page: a board's open jobs, each job's application form, and the
// application sent to the recruiting API. No build step and no dependencies:
// one ES module and one stylesheet, mounted on every [data-careers-page]
// element. See docs/careers-page.md for hosting, embedding and configuration.

const MB = 1024 * 1024;
// Files go in the application request while together they stay under this;
// larger ones go straight to S3 through a presigned POST (API Gateway and
// Lambda take at most 6 MB per request, and multipart is base64-encoded on
// the way in).
const INLINE_BUDGET = 3 * MB;
const ACCEPT = [
  ".pdf",
  ".docx",
  ".txt",
  "application/pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "text/plain",
].join(",");
const TYPE_BY_EXTENSION = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  txt: "text/plain",
};
const EMPLOYMENT_TYPES = {
  full_time: "Full-time",
  part_time: "Part-time",
  contract: "Contract",
  internship: "Internship",
  temporary: "Temporary",
};
// Retries of one submission reuse its Idempotency-Key, so the API records it once.
const RETRY_DELAYS_MS = [1000, 2000, 4000];
const RETRYABLE = new Set([429, 502, 503, 504]);
// What a job description may contain; everything else is dropped or unwrapped.
const ALLOWED_TAGS = new Set([
  "P", "BR", "UL", "OL", "LI", "STRONG", "B", "EM", "I", "U", "A", "H3", "H4", "H5", "H6",
  "BLOCKQUOTE", "CODE", "PRE", "SPAN", "DIV",
]);
const DROPPED_TAGS = new Set(["SCRIPT", "STYLE", "IFRAME", "OBJECT", "EMBED", "TEMPLATE", "SVG", "MATH"]);

let instances = 0;

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function idempotencyKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function employmentType(value) {
  return EMPLOYMENT_TYPES[value] || (value ? value.replaceAll("_", " ") : "");
}

const PAY_UNITS = { HOUR: "an hour", DAY: "a day", WEEK: "a week", MONTH: "a month", YEAR: "a year" };

/** "€70,000–90,000 a year", or nothing when the job names no pay. */
function payText(salary) {
  if (!salary || (salary.min == null && salary.max == null)) return "";
  let money;
  try {
    money = new Intl.NumberFormat(undefined, {
      style: "currency",
      currency: salary.currency,
      maximumFractionDigits: 2,
      minimumFractionDigits: 0,
    });
  } catch {
    money = { format: (n) => `${salary.currency} ${n}` };
  }
  const amounts = [salary.min, salary.max].filter((n) => n != null);
  const range = amounts.length === 2 && amounts[0] !== amounts[1]
    ? `${money.format(amounts[0])}–${money.format(amounts[1])}`
    : money.format(amounts[0]);
  return `${range} ${PAY_UNITS[salary.unit] || ""}`.trim();
}

function contentTypeOf(file) {
  if (file.type) return file.type;
  const extension = file.name.split(".").pop().toLowerCase();
  return TYPE_BY_EXTENSION[extension] || "application/octet-stream";
}

function sizeText(bytes) {
  return bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** The job description as inert, allow-listed nodes (it is HTML from the API). */
function sanitized(html) {
  // A document of its own, with no window: nothing in it runs or loads.
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html || ""}`, "text/html");
  const clean = (parent) => {
    for (const node of [...parent.childNodes]) {
      if (node.nodeType === Node.TEXT_NODE) continue;
      if (node.nodeType !== Node.ELEMENT_NODE) {
        node.remove();
        continue;
      }
      const tag = node.tagName.toUpperCase();
      if (DROPPED_TAGS.has(tag)) {
        node.remove();
        continue;
      }
      clean(node);
      if (!ALLOWED_TAGS.has(tag)) {
        node.replaceWith(...node.childNodes);
        continue;
      }
      for (const attribute of [...node.attributes]) {
        const keep =
          tag === "A" && attribute.name === "href" && /^(https?:|mailto:)/i.test(attribute.value.trim());
        if (!keep) node.removeAttribute(attribute.name);
      }
      if (tag === "A") node.setAttribute("rel", "noopener noreferrer");
    }
  };
  clean(parsed.body);
  const fragment = document.createDocumentFragment();
  fragment.append(...[...parsed.body.childNodes].map((node) => document.importNode(node, true)));
  return fragment;
}

class CareersPage {
  constructor(root) {
    this.root = root;
    this.api = (root.dataset.apiBaseUrl || "").replace(/\/+$/, "");
    this.board = root.dataset.boardToken || "";
    this.manageTitle = root.dataset.manageTitle === "true";
    this.baseTitle = document.title;
    this.prefix = `careers${++instances}`;
    this.fieldCount = 0;
    this.status = el("p", { class: "careers-visually-hidden", role: "status", "aria-live": "polite" });
    this.view = el("div", { class: "careers-view" });
    root.replaceChildren(this.status, this.view);
    root.classList.add("careers");
    window.addEventListener("popstate", () => this.route(true));
    this.route(false);
  }

  // --- navigation ------------------------------------------------------

  jobIdInUrl() {
    const id = new URLSearchParams(window.location.search).get("job");
    return id && /^\d{1,12}$/.test(id) ? id : null;
  }

  hrefFor(jobId) {
    const url = new URL(window.location.href);
    if (jobId) url.searchParams.set("job", jobId);
    else url.searchParams.delete("job");
    url.hash = "";
    return url.pathname + url.search;
  }

  link(text, jobId, attributes = {}) {
    const anchor = el("a", { href: this.hrefFor(jobId), ...attributes }, text);
    anchor.addEventListener("click", (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      window.history.pushState({ careersJob: jobId }, "", this.hrefFor(jobId));
      this.route(true);
    });
    return anchor;
  }

  route(moveFocus) {
    const jobId = this.jobIdInUrl();
    return jobId ? this.showJob(jobId, moveFocus) : this.showList(moveFocus);
  }

  say(message) {
    // Clear first so that the same message twice is announced twice.
    this.status.textContent = "";
    window.setTimeout(() => {
      this.status.textContent = message;
    }, 50);
  }

  title(text) {
    if (this.manageTitle) document.title = text ? `${text} – ${this.baseTitle}` : this.baseTitle;
  }

  heading(text) {
    return el("h2", { class: "careers-heading", tabindex: "-1" }, text);
  }

  // --- talking to the API ----------------------------------------------

  async request(path, init = {}) {
    const response = await fetch(this.api + path, {
      ...init,
      headers: { Accept: "application/json", ...(init.headers || {}) },
    });
    const text = await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { response, body };
  }

  /** A request that is safe to repeat, repeated on network failures and 429/5xx. */
  async requestWithRetries(path, init) {
    let last = null;
    for (let attempt = 0; ; attempt += 1) {
      try {
        last = { ...(await this.request(path, init)), attempts: attempt + 1 };
        if (!RETRYABLE.has(last.response.status)) return last;
      } catch (error) {
        last = { error, attempts: attempt + 1 };
      }
      if (attempt >= RETRY_DELAYS_MS.length) return last;
      const retryAfter = Number(last.response?.headers.get("Retry-After"));
      await sleep(retryAfter > 0 && retryAfter <= 30 ? retryAfter * 1000 : RETRY_DELAYS_MS[attempt]);
    }
  }

  failure(message, retry) {
    const button = el("button", { type: "button", class: "careers-button" }, "Try again");
    button.addEventListener("click", retry);
    return el("div", { class: "careers-problem", role: "alert" }, el("p", {}, message), button);
  }

  // --- the list of open jobs -------------------------------------------

  async showList(moveFocus) {
    this.title("");
    this.removePosting();
    const heading = this.heading("Open positions");
    const listing = el("div", { class: "careers-listing" }, el("p", {}, "Loading open positions…"));
    this.view.replaceChildren(heading, listing);
    if (moveFocus) heading.focus();
    this.say("Loading open positions");
    const jobs = [];
    let cursor = null;
    const load = async (focusNew) => {
      const query = new URLSearchParams({ limit: "50" });
      if (this.board) query.set("board", this.board);
      if (cursor) query.set("cursor", cursor);
      let result;
      try {
        result = await this.requestWithRetries(`/jobs?${query}`, {});
      } catch (error) {
        result = { error };
      }
      if (!result.response || !result.response.ok) {
        listing.replaceChildren(
          this.failure("The open positions could not be loaded.", () => this.showList(true)),
        );
        this.say("The open positions could not be loaded");
        return;
      }
      const firstNew = result.body.jobs[0]?.id;
      jobs.push(...result.body.jobs);
      cursor = result.body.next_cursor;
      this.renderJobs(listing, jobs, cursor ? () => load(true) : null);
      if (focusNew && firstNew) listing.querySelector(`[data-job-id="${firstNew}"]`)?.focus();
      this.say(
        jobs.length === 0
          ? "There are no open positions right now"
          : `${jobs.length} open position${jobs.length === 1 ? "" : "s"}${cursor ? ", more to load" : ""}`,
      );
    };
    await load(false);
  }

  renderJobs(listing, jobs, loadMore) {
    if (jobs.length === 0) {
      listing.replaceChildren(el("p", {}, "There are no open positions right now."));
      return;
    }
    const departments = new Map();
    for (const job of jobs) {
      const name = job.department || "Other";
      if (!departments.has(name)) departments.set(name, []);
      departments.get(name).push(job);
    }
    const sections = [...departments.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([department, members]) =>
        el(
          "section",
          { class: "careers-department" },
          el("h3", {}, department),
          el(
            "ul",
            { class: "careers-jobs" },
            members.map((job) =>
              el(
                "li",
                { class: "careers-job" },
                this.link(job.title, String(job.id), { "data-job-id": job.id, class: "careers-job-title" }),
                el(
                  "p",
                  { class: "careers-meta" },
                  [job.location, employmentType(job.employment_type)].filter(Boolean).join(" · "),
                ),
              ),
            ),
          ),
        ),
      );
    listing.replaceChildren(
      el("p", { class: "careers-count" }, `${jobs.length} open position${jobs.length === 1 ? "" : "s"}`),
      ...sections,
    );
    if (loadMore) {
      const button = el("button", { type: "button", class: "careers-button careers-more" }, "Show more positions");
      button.addEventListener("click", () => {
        button.disabled = true;
        loadMore();
      });
      listing.append(button);
    }
  }

  // --- one job and its application form ----------------------------------

  async showJob(jobId, moveFocus) {
    const back = this.link("All open positions", null, { class: "careers-back" });
    const loading = el("p", {}, "Loading the position…");
    this.view.replaceChildren(back, loading);
    this.say("Loading the position");
    let result;
    try {
      result = await this.requestWithRetries(`/jobs/${jobId}`, {});
    } catch (error) {
      result = { error };
    }
    this.removePosting();
    if (result.response?.status === 404) {
      const heading = this.heading("This position is not open");
      this.view.replaceChildren(
        back,
        heading,
        el("p", {}, "It may have been filled or closed. See the positions that are open now."),
      );
      this.title("Position not open");
      heading.focus();
      this.say("This position is not open");
      return;
    }
    if (!result.response || !result.response.ok) {
      this.view.replaceChildren(
        back,
        this.failure("The position could not be loaded.", () => this.showJob(jobId, true)),
      );
      this.say("The position could not be loaded");
      return;
    }
    const job = result.body;
    const heading = this.heading(job.title);
    const meta = [
      job.department,
      job.location,
      employmentType(job.employment_type),
      payText(job.salary),
    ].filter(Boolean);
    const description = el("div", { class: "careers-description" });
    description.append(sanitized(job.description_html));
    const form = this.applicationForm(job);
    this.view.replaceChildren(
      back,
      el(
        "article",
        { class: "careers-posting" },
        heading,
        el("p", { class: "careers-meta" }, meta.join(" · ")),
        description,
        form,
      ),
    );
    this.title(job.title);
    if (moveFocus) heading.focus();
    this.say(`${job.title}. The application form follows the description.`);
    this.embedPosting(job);
  }

  /** The job's schema.org JobPosting in the page, for search engines (Google for Jobs). */
  async embedPosting(job) {
    if (!job.posting_url) return;
    try {
      const { response, body } = await this.request(job.posting_url, {
        headers: { Accept: "application/ld+json" },
      });
      if (!response.ok || !body || this.jobIdInUrl() !== String(job.id)) return;
      const script = el("script", { type: "application/ld+json", "data-careers-posting": job.id });
      // A data block, never run; "<" escaped so the JSON cannot close the element.
      script.textContent = JSON.stringify(body).replaceAll("<", "\\u003c");
      this.removePosting();
      document.head.append(script);
    } catch {
      // The page works without it; search engines retry.
    }
  }

  removePosting() {
    for (const node of document.head.querySelectorAll("script[data-careers-posting]")) node.remove();
  }

  nextId(name) {
    this.fieldCount += 1;
    return `${this.prefix}-${name.replace(/[^a-z0-9]+/gi, "-")}-${this.fieldCount}`;
  }

  /** A labelled input or textarea in its container; errors attach to the container. */
  textField({ field, name, label, required = false, hint = null, multiline = false, ...attributes }) {
    const id = this.nextId(field);
    const hintId = hint ? `${id}-hint` : null;
    const control = el(multiline ? "textarea" : "input", {
      id,
      name,
      required,
      "aria-describedby": hintId,
      ...(multiline ? { rows: 6 } : { type: "text" }),
      ...attributes,
    });
    return el(
      "div",
      { class: "careers-field", "data-field": field, "data-label": label },
      el("label", { for: id }, label, required ? el("span", { class: "careers-required" }, " (required)") : null),
      hint ? el("p", { class: "careers-hint", id: hintId }, hint) : null,
      control,
    );
  }

  fileField({ field, label, hint }) {
    const id = this.nextId(field);
    const control = el("input", {
      id,
      type: "file",
      accept: ACCEPT,
      "data-purpose": field,
      "aria-describedby": `${id}-hint`,
    });
    return el(
      "div",
      { class: "careers-field", "data-field": field, "data-label": label },
      el("label", { for: id }, label),
      el("p", { class: "careers-hint", id: `${id}-hint` }, hint),
      control,
    );
  }

  /** Radio buttons or checkboxes in a fieldset whose legend is the question. */
  choiceField({ field, name, legend, options, multiple, required = false, hint = null, extra = null }) {
    const hintId = hint ? `${this.nextId(field)}-hint` : null;
    const choices = options.map((option) => {
      const id = this.nextId(`${field}-${option.value}`);
      return el(
        "div",
        { class: "careers-choice" },
        el("input", { id, type: multiple ? "checkbox" : "radio", name, value: option.value, required: required && !multiple }),
        el("label", { for: id }, option.label),
      );
    });
    return el(
      "fieldset",
      {
        class: "careers-field careers-group",
        "data-field": field,
        "data-label": legend,
        "aria-describedby": hintId,
        role: multiple ? "group" : "radiogroup",
        "aria-required": required && !multiple ? "true" : null,
      },
      el("legend", {}, legend, required ? el("span", { class: "careers-required" }, " (required)") : null),
      hint ? el("p", { class: "careers-hint", id: hintId }, hint) : null,
      choices,
      extra,
    );
  }

  questionField(question) {
    const field = `answers.${question.id}`;
    const name = `answers[${question.id}]`;
    const common = { field, required: question.required, hint: question.description };
    switch (question.type) {
      case "short_text":
        return this.textField({ ...common, name, label: question.label, maxlength: Math.min(question.max_length, 255) });
      case "long_text":
        return this.textField({ ...common, name, label: question.label, multiline: true, maxlength: question.max_length });
      case "yes_no":
        return this.choiceField({
          ...common,
          name,
          legend: question.label,
          multiple: false,
          options: [
            { value: "yes", label: "Yes" },
            { value: "no", label: "No" },
          ],
        });
      case "multi_select":
        return this.choiceField({
          ...common,
          name: `${name}[]`,
          legend: question.label,
          multiple: true,
          options: question.options.map((o) => ({ value: String(o.id), label: o.label })),
        });
      default: // single_select
        return this.choiceField({
          ...common,
          name,
          legend: question.label,
          multiple: false,
          options: question.options.map((o) => ({ value: String(o.id), label: o.label })),
        });
    }
  }

  consentField(field, label, shortLabel, required) {
    const id = this.nextId(field);
    return el(
      "div",
      { class: "careers-field careers-choice", "data-field": field, "data-label": shortLabel },
      el("input", { id, type: "checkbox", name: `consent[${field.split(".")[1]}]`, value: "true", required }),
      el("label", { for: id }, label, required ? el("span", { class: "careers-required" }, " (required)") : null),
    );
  }

  consentSection(job) {
    const consent = job.consent;
    const fields = [];
    if (consent.requires_processing_consent) {
      fields.push(
        this.consentField(
          "consent.processing",
          "I agree to my personal data being processed to assess this application",
          "Consent to assess your application",
          true,
        ),
      );
    }
    if (consent.requires_retention_consent || consent.retention_days) {
      const days = consent.retention_days;
      const label = days
        ? `I agree to my application being kept for ${days} days, to be considered for other positions`
        : "I agree to my application being kept, to be considered for other positions";
      fields.push(
        this.consentField(
          "consent.retention",
          label,
          "Consent to keep your application",
          Boolean(consent.requires_retention_consent),
        ),
      );
    }
    fields.push(
      this.consentField(
        "consent.marketing",
        "Send me news of future positions that may suit me",
        "News of future positions",
        false,
      ),
    );
    return el(
      "fieldset",
      { class: "careers-section", "data-field": "consent", "data-label": "Your data" },
      el("legend", {}, "Your data"),
      consent.text ? el("p", { class: "careers-hint" }, consent.text) : null,
      consent.policy_version ? el("p", { class: "careers-hint" }, `Privacy notice version ${consent.policy_version}.`) : null,
      fields,
    );
  }

  selfIdSection(job) {
    const selfId = job.self_identification;
    if (!selfId || selfId.questions.length === 0) return null;
    const questions = selfId.questions.map((question) => {
      const freeForm = question.options.find((o) => o.free_form);
      let extra = null;
      if (freeForm) {
        extra = this.textField({
          field: `self_identification.${question.id}.text`,
          name: `self_identification[${question.id}][text]`,
          label: `${freeForm.label} (optional text)`,
          maxlength: 500,
        });
      }
      return this.choiceField({
        field: `self_identification.${question.id}`,
        name: `self_identification[${question.id}][option_ids][]`,
        legend: question.label,
        multiple: question.multiple,
        options: question.options.map((o) => ({ value: String(o.id), label: o.label })),
        extra,
      });
    });
    return el(
      "fieldset",
      { class: "careers-section", "data-field": "self_identification", "data-label": "Self-identification" },
      el("legend", {}, "Voluntary self-identification"),
      el("p", { class: "careers-hint" }, selfId.notice),
      questions,
      this.consentField(
        "consent.demographic",
        "I agree to these answers being used, in aggregate only, to monitor equal opportunity",
        "Consent to use these answers",
        false,
      ),
    );
  }

  applicationForm(job) {
    const summary = el("div", { class: "careers-summary", tabindex: "-1", hidden: true });
    const submit = el("button", { type: "submit", class: "careers-button careers-submit" }, "Submit application");
    const form = el(
      "form",
      { class: "careers-form", novalidate: true, "aria-labelledby": `${this.prefix}-apply` },
      el("h3", { id: `${this.prefix}-apply` }, "Apply for this position"),
      el("p", { class: "careers-hint" }, "Fields marked (required) must be filled in."),
      summary,
      el(
        "fieldset",
        { class: "careers-section" },
        el("legend", {}, "About you"),
        this.textField({ field: "first_name", name: "first_name", label: "First name", required: true, autocomplete: "given-name", maxlength: 200 }),
        this.textField({ field: "last_name", name: "last_name", label: "Last name", required: true, autocomplete: "family-name", maxlength: 200 }),
        this.textField({ field: "email", name: "email", label: "E-mail address", required: true, type: "email", autocomplete: "email", spellcheck: "false" }),
        this.textField({ field: "phone", name: "phone", label: "Phone number", type: "tel", autocomplete: "tel", hint: "With the country code if you are outside the job's country.", maxlength: 40 }),
        this.textField({ field: "location", name: "location", label: "Where you live", hint: "City and country.", autocomplete: "address-level2" }),
        this.textField({ field: "links", name: "links[]", label: "LinkedIn, GitHub or website", type: "url", hint: "A full address, starting with https://", autocomplete: "url" }),
      ),
      el(
        "fieldset",
        { class: "careers-section" },
        el("legend", {}, "Resume and cover letter"),
        this.fileField({ field: "resume", label: "Resume or CV", hint: "PDF, Word (.docx) or plain text, up to 10 MB." }),
        this.fileField({ field: "cover_letter", label: "Cover letter", hint: "Optional. PDF, Word (.docx) or plain text, up to 10 MB." }),
      ),
      job.questions.length
        ? el("fieldset", { class: "careers-section" }, el("legend", {}, "Questions"), job.questions.map((q) => this.questionField(q)))
        : null,
      this.consentSection(job),
      this.selfIdSection(job),
      el("div", { class: "careers-actions" }, submit),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit(job, form, summary, submit);
    });
    return form;
  }

  // --- sending ------------------------------------------------------------

  /** The form's values as multipart fields, files left out, empty values dropped. */
  entries(form) {
    const data = new FormData();
    for (const [name, value] of new FormData(form).entries()) {
      if (value instanceof File) continue;
      if (typeof value === "string" && value.trim() === "") continue;
      data.append(name, value);
    }
    return data;
  }

  files(form) {
    return [...form.querySelectorAll("input[type=file][data-purpose]")]
      .filter((input) => input.files.length > 0)
      .map((input) => ({ purpose: input.dataset.purpose, file: input.files[0] }));
  }

  /** Ask for a presigned POST and send the file to S3; errors name the file's field. */
  async upload(job, purpose, file) {
    const { response, body } = await this.requestWithRetries(`/jobs/${job.id}/applications/uploads`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ filename: file.name, content_type: contentTypeOf(file), size: file.size, purpose }),
    });
    if (response.status !== 201) {
      const errors = body?.errors?.length
        ? body.errors.map((e) => ({ field: purpose, rule: e.rule, message: `${e.field === "size" ? "size" : "file"} ${e.message}` }))
        : [{ field: purpose, rule: "upload", message: body?.message || "could not be uploaded; try again" }];
      return { errors };
    }
    const post = new FormData();
    for (const [name, value] of Object.entries(body.fields)) post.append(name, value);
    post.append("file", file, file.name);
    let stored = false;
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length && !stored; attempt += 1) {
      try {
        const s3 = await fetch(body.url, { method: "POST", body: post });
        stored = s3.ok;
        if (!stored && s3.status < 500) break;
      } catch {
        stored = false;
      }
      if (!stored && attempt < RETRY_DELAYS_MS.length) await sleep(RETRY_DELAYS_MS[attempt]);
    }
    if (!stored) {
      return { errors: [{ field: purpose, rule: "upload", message: `could not be uploaded (${sizeText(file.size)}); try again` }] };
    }
    return { uploadId: body.upload_id };
  }

  async submit(job, form, summary, button) {
    if (form.getAttribute("aria-busy") === "true") return;
    this.clearErrors(form, summary);
    form.setAttribute("aria-busy", "true");
    button.textContent = "Sending…";
    this.say("Sending your application");
    try {
      const data = this.entries(form);
      // The apply link's source token (gh_src=, as job boards and campaigns carry it).
      const source = new URLSearchParams(window.location.search).get("gh_src");
      if (source && /^[A-Za-z0-9_-]{1,64}$/.test(source)) data.append("source_token", source);
      const files = this.files(form).sort((a, b) => a.file.size - b.file.size);
      let inline = 0;
      const uploadErrors = [];
      for (const { purpose, file } of files) {
        if (inline + file.size <= INLINE_BUDGET) {
          inline += file.size;
          data.append(purpose, file, file.name);
          continue;
        }
        this.say(`Uploading ${file.name}`);
        const uploaded = await this.upload(job, purpose, file);
        if (uploaded.errors) {
          uploadErrors.push(...uploaded.errors);
          continue;
        }
        data.append(`${purpose}[upload_id]`, uploaded.uploadId);
        data.append(`${purpose}[filename]`, file.name);
      }
      if (uploadErrors.length) {
        this.showErrors(form, summary, uploadErrors);
        return;
      }
      // Encoded once: a retry must send the very same bytes (and multipart
      // boundary) under the same Idempotency-Key, or the API refuses it.
      // (The boundary comes from the headers: a Blob's type is lower-cased.)
      const encoded = new Response(data);
      const type = encoded.headers.get("Content-Type");
      const payload = await encoded.blob();
      const result = await this.requestWithRetries(`/jobs/${job.id}/applications`, {
        method: "POST",
        headers: { "Idempotency-Key": idempotencyKey(), "Content-Type": type },
        body: payload,
      });
      this.answered(job, form, summary, result);
    } catch (error) {
      this.showProblem(summary, "Your application could not be sent: the connection failed. Nothing was lost; try again.");
    } finally {
      form.removeAttribute("aria-busy");
      button.textContent = "Submit application";
    }
  }

  answered(job, form, summary, { response, body, error, attempts }) {
    const status = response?.status;
    if (status === 201) {
      // A replay of this page's own retry is no news to the person; an earlier
      // application of theirs to this job is.
      const earlier = response.headers.get("Idempotent-Replayed") === "true" && attempts === 1;
      this.confirm(job, form, body, earlier);
      return;
    }
    if (status === 422 && body?.errors?.length) {
      this.showErrors(form, summary, body.errors);
      return;
    }
    const messages = {
      404: "This position is no longer open, so the application was not sent.",
      410: "This position has closed and no longer takes applications.",
      413: "The files are too large to send together. Choose smaller files and try again.",
      429: "Many applications are arriving at once. Wait a minute and try again; nothing was lost.",
    };
    const fallback = error
      ? "Your application could not be sent: the connection failed. Try again."
      : `Your application was not received (${status}). Try again in a moment.`;
    this.showProblem(summary, messages[status] || body?.message || fallback);
  }

  confirm(job, form, receipt, earlier) {
    const name = form.querySelector("[name=first_name]")?.value.trim();
    const heading = this.heading("Application sent");
    const received = new Date(receipt.received_at);
    const when = Number.isNaN(received.getTime()) ? receipt.received_at : received.toLocaleString();
    const panel = el(
      "section",
      { class: "careers-confirmation", "aria-labelledby": `${this.prefix}-sent` },
      heading,
      el("p", {}, `Thank you${name ? `, ${name}` : ""}. We have received your application for ${job.title}.`),
      earlier
        ? el("p", {}, "You had already applied for this position, so it was not sent twice.")
        : null,
      el(
        "dl",
        { class: "careers-receipt" },
        el("dt", {}, "Reference"),
        el("dd", {}, receipt.application_id),
        el("dt", {}, "Received"),
        el("dd", {}, when),
      ),
      el("p", {}, "We will reply by e-mail."),
      this.link("See all open positions", null),
    );
    heading.id = `${this.prefix}-sent`;
    form.replaceWith(panel);
    heading.focus();
    this.title(`Application sent – ${job.title}`);
    this.say(`Application sent. Reference ${receipt.application_id}`);
  }

  // --- errors ---------------------------------------------------------------

  clearErrors(form, summary) {
    summary.hidden = true;
    summary.replaceChildren();
    summary.removeAttribute("role");
    for (const node of form.querySelectorAll(".careers-error")) node.remove();
    for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    for (const node of form.querySelectorAll("[data-error-id]")) {
      const ids = (node.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== node.dataset.errorId);
      if (ids.length) node.setAttribute("aria-describedby", ids.join(" "));
      else node.removeAttribute("aria-describedby");
      delete node.dataset.errorId;
    }
    for (const node of form.querySelectorAll(".careers-field-invalid")) node.classList.remove("careers-field-invalid");
  }

  /** The container of an error's field: the one whose data-field is its longest prefix. */
  containerFor(form, field) {
    const parts = String(field).split(".");
    for (let n = parts.length; n > 0; n -= 1) {
      const name = parts.slice(0, n).join(".");
      const container = [...form.querySelectorAll("[data-field]")].find((node) => node.dataset.field === name);
      if (container && container.matches(".careers-field")) return container;
    }
    return null;
  }

  /** A summary link that moves the focus to the field and shows its label or legend. */
  jumpTo(control, container, text) {
    const anchor = el("a", { href: `#${control.id}` }, text);
    anchor.addEventListener("click", (event) => {
      event.preventDefault();
      (container.querySelector("legend, label") || control).scrollIntoView({ block: "start" });
      control.focus({ preventScroll: true });
    });
    return anchor;
  }

  showErrors(form, summary, errors) {
    const items = [];
    const messages = new Map();
    for (const error of errors) {
      const container = this.containerFor(form, error.field);
      if (!messages.has(container)) messages.set(container, []);
      messages.get(container).push(error.message);
      const label = container?.dataset.label || error.field;
      const control = container?.querySelector("input, textarea, select");
      // The API's message may already name the field ("'Notice period' needs an answer").
      const named = container && error.message.includes(`'${label}'`);
      const text = named ? error.message : `${label}: ${error.message}`;
      items.push(el("li", {}, control ? this.jumpTo(control, container, text) : text));
    }
    for (const [container, texts] of messages) {
      if (!container) continue;
      const holder = container.matches("fieldset") ? container : container.querySelector("input, textarea");
      const errorId = `${(holder.id || this.nextId("group"))}-error`;
      const message = el(
        "p",
        { class: "careers-error", id: errorId },
        el("span", { class: "careers-visually-hidden" }, "Error: "),
        texts.join("; "),
      );
      const anchor = container.querySelector("legend") || container.querySelector("label");
      if (container.matches(".careers-choice")) container.append(message);
      else anchor.after(message);
      container.classList.add("careers-field-invalid");
      for (const control of container.querySelectorAll("input, textarea")) control.setAttribute("aria-invalid", "true");
      holder.dataset.errorId = errorId;
      holder.setAttribute("aria-describedby", [holder.getAttribute("aria-describedby"), errorId].filter(Boolean).join(" "));
    }
    summary.replaceChildren(
      el("h4", {}, errors.length === 1 ? "There is a problem with your application" : `There are ${errors.length} problems with your application`),
      el("ul", {}, items),
    );
    summary.setAttribute("role", "alert");
    summary.hidden = false;
    summary.focus();
  }

  showProblem(summary, message) {
    summary.replaceChildren(el("h4", {}, "Your application was not sent"), el("p", {}, message));
    summary.setAttribute("role", "alert");
    summary.hidden = false;
    summary.focus();
    this.say(message);
  }
}

function addStylesheet() {
  const href = new URL("careers.css", import.meta.url).href;
  const present = [...document.querySelectorAll("link[rel=stylesheet]")].some((link) => link.href === href);
  if (!present) document.head.append(el("link", { rel: "stylesheet", href }));
}

function mount() {
  addStylesheet();
  for (const root of document.querySelectorAll("[data-careers-page]")) {
    if (!root.careersPage) root.careersPage = new CareersPage(root);
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
else mount();
