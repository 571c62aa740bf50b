/** The webhooks page (being built). */
export function webhooksView(main) {
  const section = document.createElement('section');
  section.className = 'webhooks';
  section.innerHTML = '<div class="heading"><h2>Webhooks</h2></div>';
  main.append(section);
  return () => section.remove();
}
